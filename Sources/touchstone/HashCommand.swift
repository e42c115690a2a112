import ArgumentParser
import Foundation
import HashImages

/// `touchstone hash FILE...`: each picture's PDQ hash and quality, one line
/// each (`HASH QUALITY FILE`), so a profile author can check a reference by hand.
struct HashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print each picture's PDQ hash (64 hex digits) and quality: HASH QUALITY FILE.",
        discussion: "Files are read from disk (paths or file:// URLs). JPEG, PNG, WebP and GIF (first frame); EXIF orientation is applied.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Picture files.")
    var files: [String]

    @Option(name: .customLong("max-pixels"), help: "Refuse pictures declaring more pixels than this.")
    var maxPixels: Int = PictureDecoder.defaultMaxPixels

    func run() async throws {
        let fetcher = PictureFetcher()
        let decoder = PictureDecoder(maxPixels: maxPixels)
        var failed = 0
        for file in files {
            let location = file.hasPrefix("/") || file.contains("://")
                ? file : FileManager.default.currentDirectoryPath + "/" + file
            do throws(PictureError) {
                let bytes = try await fetcher.fetch(location)
                let result = try decoder.decodeLuma(bytes).pdq()
                print("\(result.hash.hex) \(result.quality) \(file)")
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("touchstone hash: \(file): \(error.description)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
