import Foundation

/// The profiles of a folder as they are now, with a generation number that
/// changes whenever any profile changes (added, edited, removed).
public struct BrandProfileSnapshot: Sendable {
    public var profiles: [BrandProfile]
    /// Problems of files that could not be (re)loaded; for an edited file that
    /// became invalid, its last valid version stays in `profiles`.
    public var errors: [BrandProfileError]
    public var generation: Int

    public init(profiles: [BrandProfile], errors: [BrandProfileError], generation: Int) {
        self.profiles = profiles
        self.errors = errors
        self.generation = generation
    }
}

/// Watches a folder of profiles and reloads the ones that changed.
///
/// Processors call ``refreshIfDue()`` (cheap: at most one folder scan per
/// `interval`) before each message, or run ``watch(every:)`` in a task; either
/// way a changed profile is in use within about `interval` without a restart.
/// A file is re-read only when its size or modification time changed, and a
/// profile is replaced only when its content hash changed.
public final class BrandProfileStore: @unchecked Sendable {
    public let directory: URL
    public let interval: Duration
    private let lock = NSLock()
    private var snapshot: BrandProfileSnapshot
    private var stamps: [String: FileStamp] = [:]
    private var loaded: [String: BrandProfile] = [:]
    private var failures: [String: [BrandProfileError]] = [:]
    private var lastCheck: ContinuousClock.Instant
    private var scans = 0

    /// What tells a file changed: size, inode (an atomic save renames a new file into place)
    /// and modification time in nanoseconds (Foundation's dates may round to the second).
    struct FileStamp: Equatable {
        var size: Int64
        var inode: UInt64
        var seconds: Int
        var nanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            inode = UInt64(info.st_ino)
            #if canImport(Darwin)
            seconds = info.st_mtimespec.tv_sec
            nanoseconds = info.st_mtimespec.tv_nsec
            #else
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
            #endif
        }
    }

    /// Loads the folder now. Invalid files are reported in `snapshot().errors`
    /// rather than thrown, so one bad file does not stop the others; use
    /// ``BrandProfileLoader/loadDirectory(_:)`` to refuse any error.
    public init(directory: URL, interval: Duration = .seconds(1)) {
        self.directory = directory
        self.interval = interval
        self.snapshot = BrandProfileSnapshot(profiles: [], errors: [], generation: 0)
        self.lastCheck = .now
        _ = reload()
    }

    /// The profiles in force.
    public func current() -> BrandProfileSnapshot {
        lock.withLock { snapshot }
    }

    /// Rescans the folder when `interval` has passed since the last scan; returns the snapshot in force.
    @discardableResult
    public func refreshIfDue() -> BrandProfileSnapshot {
        let due = lock.withLock { () -> Bool in
            if ContinuousClock.now - lastCheck < interval { return false }
            lastCheck = .now
            return true
        }
        if due { return reload() }
        return current()
    }

    /// Rescans the folder every `interval` until the task is cancelled.
    public func watch() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            _ = reload()
        }
    }

    /// Rescans the folder now; returns the snapshot in force afterwards.
    @discardableResult
    public func reload() -> BrandProfileSnapshot {
        lock.lock()
        defer { lock.unlock() }
        lastCheck = .now
        // Every tenth scan re-reads every file whatever its stamp: an in-place edit of the same
        // size within one file-system timestamp tick would otherwise go unseen.
        scans += 1
        if scans % 10 == 0 { stamps.removeAll() }
        var changed = false
        let files: [URL]
        var folderErrors: [BrandProfileError] = []
        do {
            files = try BrandProfileLoader.profileFiles(in: directory)
        } catch let error as BrandProfileErrors {
            files = []
            folderErrors = error.errors
        } catch {
            files = []
        }
        let paths = Set(files.map(\.path))
        for removed in loaded.keys where !paths.contains(removed) {
            loaded[removed] = nil
            changed = true
        }
        for removed in stamps.keys where !paths.contains(removed) {
            stamps[removed] = nil
            failures[removed] = nil
        }
        for file in files {
            let stamp = FileStamp(path: file.path)
            if let stamp, stamps[file.path] == stamp { continue }
            stamps[file.path] = stamp
            do {
                let profile = try BrandProfileLoader.loadFile(file)
                failures[file.path] = nil
                if loaded[file.path]?.version != profile.version || loaded[file.path] != profile {
                    loaded[file.path] = profile
                    changed = true
                }
            } catch let error as BrandProfileErrors {
                failures[file.path] = error.errors
            } catch {
                failures[file.path] = [BrandProfileError(file: file.path, line: nil, field: nil, message: "\(error)")]
            }
        }
        var errors = folderErrors + failures.keys.sorted().flatMap { failures[$0]! }
        // One profile per id: the first file (by name) wins; the others are errors.
        var byID: [String: BrandProfile] = [:]
        var profiles: [BrandProfile] = []
        for path in loaded.keys.sorted() {
            let profile = loaded[path]!
            if let other = byID[profile.id] {
                errors.append(BrandProfileError(file: path, line: nil, field: "id",
                                                message: "id '\(profile.id)' is already used by \(other.source); ids must be unique"))
                continue
            }
            byID[profile.id] = profile
            profiles.append(profile)
        }
        snapshot = BrandProfileSnapshot(
            profiles: profiles, errors: errors,
            generation: changed ? snapshot.generation + 1 : snapshot.generation)
        return snapshot
    }
}
