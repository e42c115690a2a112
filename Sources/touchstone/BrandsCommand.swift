import ArgumentParser
import BrandProfiles
import Foundation
import TextMatch
import TouchstoneCore

/// `touchstone brands check|test` (CLI.md): validate the brand profiles, and
/// show every signal they find in a text or in message files, so that a
/// profile author can check a rule before it goes live.
struct BrandsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brands",
        abstract: "Check brand watch profiles and test them on text.",
        subcommands: [BrandsCheckCommand.self, BrandsTestCommand.self]
    )
}

struct BrandsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the brand profiles; errors name the file, line and field.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (profiles, errors) = BrandProfileLoader.loadDirectoryCollectingErrors(global.brandsDirectory)
        for error in errors { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
        for profile in profiles {
            for reference in profile.references where !FileManager.default.fileExists(atPath: reference.url.path) {
                FileHandle.standardError.write(Data("\(profile.source):\(reference.line ?? 0): references: warning: '\(reference.path)' does not exist (\(reference.url.path))\n".utf8))
            }
        }
        if let warning = WordList.system.missingWarning { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
        if !errors.isEmpty {
            FileHandle.standardError.write(Data("\(errors.count) error(s) in \(global.brandsDirectory.path); fix them and run `touchstone brands check` again\n".utf8))
            throw ExitCode(1)
        }
        if profiles.isEmpty {
            FileHandle.standardError.write(Data("no profiles (*.yaml) in \(global.brandsDirectory.path); pass --brands DIR\n".utf8))
            throw ExitCode(1)
        }
        print("ok: \(profiles.count) profile(s): " + profiles.map { "\($0.id)@\($0.version)" }.joined(separator: " "))
    }
}

struct BrandsTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Show every signal the profiles find in a text, or in each item of message files.",
        discussion: """
        Message files hold canonical items (one JSON object per line, or a JSON array), as on the `items` topics. \
        With --json, prints one object per text or item: {"signals":[{"brand":...,"signal":...,"rule":...,"span":[start,end],"matched":...}]} \
        with spans in Unicode scalar offsets of the field's original text.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The text to test (otherwise FILEs, or standard input when neither is given).")
    var text: String?

    @Flag(name: .long, help: "One JSON object per text or item.")
    var json = false

    @Option(name: .long, help: "A rates table (JSON: date, source, usd_per_unit) instead of the built-in one.")
    var rates: String?

    @Argument(help: "Message files of canonical items.")
    var files: [String] = []

    func run() throws {
        let profiles: [BrandProfile]
        do {
            profiles = try BrandProfileLoader.loadDirectory(global.brandsDirectory)
        } catch let error as BrandProfileErrors {
            FileHandle.standardError.write(Data("\(error)\nfix the profiles (`touchstone brands check`) and try again\n".utf8))
            throw ExitCode(1)
        }
        if let warning = WordList.system.missingWarning { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
        var table = ExchangeRates.default
        if let rates {
            do {
                table = try ExchangeRates.load(from: URL(fileURLWithPath: rates))
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let matcher = TextMatcher(profiles: profiles, rates: table)
        if let text {
            emit(label: nil, signals: matcher.signals(inText: text))
        }
        for file in files {
            let items = try readItems(file)
            for (line, item) in items {
                emit(label: "\(file):\(line) \(item.key)", signals: matcher.signals(for: item, ignoringPlatforms: true))
            }
        }
        if text == nil && files.isEmpty {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            emit(label: nil, signals: matcher.signals(inText: String(decoding: input, as: UTF8.self)))
        }
    }

    struct Output: Encodable {
        var item: String?
        var signals: [Signal]
    }

    func emit(label: String?, signals: [Signal]) {
        if json {
            let key = label.map { String($0.split(separator: " ").last ?? "") }
            let bytes = (try? TopicJSON.encode(Output(item: key, signals: signals))) ?? Array("{}".utf8)
            print(String(decoding: bytes, as: UTF8.self))
            return
        }
        if let label { print("\(label):") }
        if signals.isEmpty {
            print("  no signal")
        }
        for signal in signals {
            var line = "  \(signal.brand)  \(signal.signal.rawValue)  \(signal.rule)"
            if let field = signal.field { line += "  \(field)" }
            if let span = signal.span { line += "[\(span[0]),\(span[1])]" }
            if let matched = signal.matched { line += "  \"\(matched)\"" }
            if let normalized = signal.normalized { line += " → \(normalized)" }
            if let detail = signal.detail { line += "  (\(detail))" }
            print(line)
        }
    }

    /// Canonical items from a file: one JSON object per line (NDJSON), or one JSON array.
    /// Platform formats (INPUTS.md) go through `touchstone ingest` and the normalize stage.
    func readItems(_ path: String) throws -> [(Int, Item)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("\(path): cannot read the file\n".utf8))
            throw ExitCode(1)
        }
        let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("[") {
            do {
                return try TopicJSON.decode([Item].self, from: Array(trimmed.utf8)).enumerated().map { ($0.offset + 1, $0.element) }
            } catch {
                FileHandle.standardError.write(Data("\(path): not a JSON array of canonical items: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        var items: [(Int, Item)] = []
        for (index, line) in trimmed.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            do {
                items.append((index + 1, try TopicJSON.decode(Item.self, from: Array(text.utf8))))
            } catch {
                FileHandle.standardError.write(Data("\(path):\(index + 1): not a canonical item (platform, item_id, kind, ...): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        return items
    }
}
