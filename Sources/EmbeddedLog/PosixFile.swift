#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CFileSpace
import Dispatch
import Transport

/// A thin owner of a POSIX file descriptor: the embedded log needs `pread`,
/// `flock`, `ftruncate`, `fsync` and `fallocate`, which Foundation's FileHandle hides.
final class PosixFile: @unchecked Sendable {
    let fd: Int32
    let path: String

    /// Opens (and with `create`, creates) a file for reading and writing.
    init(path: String, create: Bool = false, exclusive: Bool = false, readOnly: Bool = false) throws {
        var flags: Int32 = readOnly ? O_RDONLY : O_RDWR
        if create { flags |= O_CREAT }
        if exclusive { flags |= O_EXCL }
        flags |= O_CLOEXEC
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw PosixFile.error("cannot open \(path)") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    static func error(_ what: String, code: Int32 = errno) -> TransportError {
        TransportError(.io, "\(what): \(String(cString: strerror(code)))")
    }

    var size: Int64 {
        get throws {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw PosixFile.error("cannot stat \(path)") }
            return Int64(info.st_size)
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer` starting at `index`; returns how many were read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.error("cannot read \(path)")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.error("cannot write \(path)")
            }
            done += n
        }
    }

    /// Reserves disk blocks for the bytes in `range` without changing the file's size, so that
    /// writes there skip the file system's block allocation (on ext4 about 40% of a buffered
    /// write's CPU). Best effort: where the file system cannot, writes allocate as they go.
    func reserve(_ range: Range<Int64>) {
        guard !range.isEmpty else { return }
        _ = touchstone_reserve_file_space(fd, range.lowerBound, Int64(range.count))
    }

    /// Gives back blocks reserved past the end of the file (by ``reserve(_:)``): truncating a
    /// file to its own size frees them (ext4 and XFS do; punching a hole does not on ext4,
    /// which ignores holes past the end). The modification time is kept: retention by age
    /// reads it. Call only while nobody can be writing the file.
    func releaseReservation() throws {
        #if os(Linux)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PosixFile.error("cannot stat \(path)") }
        let blockSize = max(Int64(info.st_blksize), 4096)
        let inUse = (Int64(info.st_size) + blockSize - 1) / blockSize * blockSize
        guard Int64(info.st_blocks) * 512 > inUse else { return }  // nothing reserved
        try truncate(to: Int64(info.st_size))
        let omit = (1 << 30) - 2  // UTIME_OMIT (a macro Swift does not import): keep the access time
        var times = [timespec(tv_sec: 0, tv_nsec: omit), info.st_mtim]
        futimens(fd, &times)
        #endif
    }

    func truncate(to length: Int64) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw PosixFile.error("cannot truncate \(path)") }
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw PosixFile.error("cannot fsync \(path)") }
    }

    /// Takes an exclusive `flock`, waiting for it (call off the cooperative pool).
    func lock() throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw PosixFile.error("cannot lock \(path)")
        }
    }

    /// Takes an exclusive `flock` if nobody holds it; false when another open file holds it.
    func tryLock() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw PosixFile.error("cannot lock \(path)")
        }
        return true
    }

    func unlock() {
        _ = flock(fd, LOCK_UN)
    }
}

/// Small filesystem helpers on paths.
enum FileSystem {
    static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw PosixFile.error("cannot create directory \(current)")
            }
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = try? PosixFile(path: path, readOnly: true), let size = try? file.size else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        guard let n = try? bytes.withUnsafeMutableBytes({ try file.read(into: $0, at: 0) }) else { return nil }
        return Array(bytes[0..<n])
    }

    /// Replaces `path` atomically and durably: write a temporary file, fsync it,
    /// rename it over the old one, fsync the directory. A reader (or a process
    /// that starts after `kill -9`) sees the old content or the new, never half.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            let file = try PosixFile(path: temporary, create: true, exclusive: true)
            try bytes.withUnsafeBytes { try file.write($0, at: 0) }
            try file.sync()
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw PosixFile.error("cannot rename \(temporary) to \(path)", code: code)
        }
        syncDirectory(of: path)
    }

    static func syncDirectory(of path: String) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    static func modificationTimeMilliseconds(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    static func remove(_ path: String) { unlink(path) }
}

/// Runs blocking file work (fsync, renames) on a dispatch queue instead of Swift's cooperative pool.
enum Blocking {
    static let queue = DispatchQueue(label: "touchstone.embedded-log.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

enum Clock {
    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
