import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (real sockets, one thread per
/// connection) whose routes misbehave on purpose for the fetch tests.
final class TestHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let handlers: [String: @Sendable (TestHTTPServer, Int32) -> Void]
    private let lock = NSLock()
    private var hostHeaders: [String] = []
    /// The Host header of every request so far, in order.
    var hostsSeen: [String] { lock.withLock { hostHeaders } }

    init(routes: [String: @Sendable (TestHTTPServer, Int32) -> Void]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        handlers = routes
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            Thread { [self] in
                defer { close(client) }
                guard let (path, host) = Self.readRequest(client) else { return }
                lock.withLock { hostHeaders.append(host) }
                if let handler = handlers[path] { handler(self, client) } else { Self.send(client, status: "404 Not Found", type: "text/plain", body: Array("no route".utf8)) }
            }.start()
        }
    }

    /// The request's path and Host header.
    static func readRequest(_ fd: Int32) -> (path: String, host: String)? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !data.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            if data.count > 65536 { return nil }
        }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        let host = lines.first { $0.lowercased().hasPrefix("host:") }.map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces) } ?? ""
        return (String(parts[1]), host)
    }

    @discardableResult
    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    static func send(_ fd: Int32, status: String = "200 OK", type: String, body: [UInt8], extraHeaders: String = "") {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\(extraHeaders)\r\n"
        write(fd, Array(head.utf8) + body)
    }

    static func redirect(_ fd: Int32, to location: String) {
        let head = "HTTP/1.1 302 Found\r\nLocation: \(location)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        write(fd, Array(head.utf8))
    }

    /// An image/jpeg answer with no length that never ends (until the client hangs up).
    static func endless(_ fd: Int32, pause: useconds_t = 0) {
        write(fd, Array("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nConnection: close\r\n\r\n".utf8))
        let chunk = [UInt8](repeating: 0xAB, count: 64 * 1024)
        while write(fd, chunk) { if pause > 0 { usleep(pause) } }
    }
}
