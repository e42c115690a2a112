import Foundation
import HashImages
import Testing
import TouchstoneCore

/// Fetching over real HTTP on loopback: limits, redirects and address checks.
@Suite(.serialized) struct FetchTests {
    static let photo = try! Fixtures.bytes("photos/chelsea.jpg")

    static func makeServer() throws -> TestHTTPServer {
        try TestHTTPServer(routes: [
            "/photo.jpg": { _, fd in TestHTTPServer.send(fd, type: "image/jpeg", body: photo) },
            "/html-as-jpeg": { _, fd in TestHTTPServer.send(fd, type: "image/jpeg", body: Array("<html><body>Oops</body></html>".utf8)) },
            "/text": { _, fd in TestHTTPServer.send(fd, type: "text/html; charset=utf-8", body: Array("<html></html>".utf8)) },
            "/endless": { _, fd in TestHTTPServer.endless(fd) },
            "/slow-endless": { _, fd in TestHTTPServer.endless(fd, pause: 200_000) },
            "/missing": { _, fd in TestHTTPServer.send(fd, status: "404 Not Found", type: "text/plain", body: []) },
            "/to-private": { _, fd in TestHTTPServer.redirect(fd, to: "http://10.1.2.3/photo.jpg") },
            "/to-localhost": { server, fd in TestHTTPServer.redirect(fd, to: "http://localhost:\(server.port)/photo.jpg") },
            "/to-file": { _, fd in TestHTTPServer.redirect(fd, to: "file:///etc/passwd") },
            "/hop1": { _, fd in TestHTTPServer.redirect(fd, to: "/hop2") },
            "/hop2": { _, fd in TestHTTPServer.redirect(fd, to: "/hop3") },
            "/hop3": { _, fd in TestHTTPServer.redirect(fd, to: "/photo.jpg") },
            "/loop": { _, fd in TestHTTPServer.redirect(fd, to: "/loop") },
        ])
    }

    /// The test's configuration allows exactly the server's address, nothing else private.
    // A generous time limit: these tests are about other limits, and on a busy machine (a build
    // beside the tests) a 1 MB body over loopback once took longer than 5 s. The time limit
    // has its own test below, with its own short limit.
    static let loopbackOnly = FetchLimits(maxBytes: 1_000_000, timeout: .seconds(60), addresses: AddressPolicy(allowedAddresses: ["127.0.0.1"]))

    @Test func fetchesAPictureAndFollowsRedirects() async throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let fetcher = PictureFetcher(limits: Self.loopbackOnly)
        #expect(try await fetcher.fetch("\(server.base)/photo.jpg") == Self.photo)
        #expect(try await fetcher.fetch("\(server.base)/hop1") == Self.photo)
    }

    @Test func limitsAreEnforced() async throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let fetcher = PictureFetcher(limits: Self.loopbackOnly)
        await expectError(fetcher, "\(server.base)/endless", contains: "byte limit")
        await expectError(PictureFetcher(limits: FetchLimits(maxBytes: 10_000, addresses: Self.loopbackOnly.addresses)),
                          "\(server.base)/photo.jpg", contains: "byte limit")
        await expectError(PictureFetcher(limits: FetchLimits(maxBytes: 100_000_000, timeout: .seconds(2), addresses: Self.loopbackOnly.addresses)),
                          "\(server.base)/slow-endless", contains: "within 2 s")
        await expectError(fetcher, "\(server.base)/text", contains: "not an image type")
        await expectError(fetcher, "\(server.base)/missing", contains: "HTTP 404")
        await expectError(PictureFetcher(limits: FetchLimits(maxRedirects: 2, addresses: Self.loopbackOnly.addresses)),
                          "\(server.base)/hop1", contains: "more than 2 redirects")
        await expectError(fetcher, "\(server.base)/loop", contains: "more than 5 redirects")
        // A redirect to file:// never reads the disk (libcurl treats it as a path on the same server here).
        await expectError(fetcher, "\(server.base)/to-file", contains: "fetch")
    }

    @Test func privateAddressesAreRefusedUnlessAllowed() async throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let fetcher = PictureFetcher(limits: Self.loopbackOnly)
        await expectError(fetcher, "\(server.base)/to-private", contains: "10.1.2.3, a private address")
        // localhost resolves to loopback addresses; only 127.0.0.1 is allowed here, and ::1 is not.
        let strict = PictureFetcher(limits: FetchLimits(timeout: .seconds(5)))
        await expectError(strict, "http://localhost:\(server.port)/photo.jpg", contains: "loopback")
        await expectError(strict, "\(server.base)/photo.jpg", contains: "127.0.0.1, a loopback address")
        await expectError(strict, "http://[::1]:\(server.port)/photo.jpg", contains: "loopback")
        await expectError(strict, "http://169.254.169.254/latest/meta-data", contains: "link-local")
        // The same redirect is followed when the configuration allows private addresses.
        let open = PictureFetcher(limits: FetchLimits(timeout: .seconds(5), addresses: AddressPolicy(allowPrivateAddresses: true)))
        #expect(try await open.fetch("\(server.base)/to-localhost") == Self.photo)
    }

    /// DNS rebinding: for http the request goes to the address that was checked, with the name
    /// in the Host header; nothing resolves the name a second time. `pictures.rebind.test` exists
    /// only in the policy's own answers, so the fetch can succeed only by connecting to the
    /// checked address; a redirect to another such name is checked and pinned the same way.
    @Test func httpConnectsToTheCheckedAddress() async throws {
        let server = try TestHTTPServer(routes: [
            "/photo.jpg": { _, fd in TestHTTPServer.send(fd, type: "image/jpeg", body: FetchTests.photo) },
            "/elsewhere": { server, fd in TestHTTPServer.redirect(fd, to: "http://cdn.rebind.test:\(server.port)/photo.jpg") },
            "/to-rebound": { server, fd in TestHTTPServer.redirect(fd, to: "http://private.rebind.test:\(server.port)/photo.jpg") },
        ])
        defer { server.stop() }
        let policy = AddressPolicy(allowedAddresses: ["127.0.0.1"], hosts: [
            "pictures.rebind.test": ["127.0.0.1"], "cdn.rebind.test": ["127.0.0.1"], "private.rebind.test": ["10.9.8.7"],
        ])
        let fetcher = PictureFetcher(limits: FetchLimits(timeout: .seconds(5), addresses: policy))
        #expect(try await fetcher.fetch("http://pictures.rebind.test:\(server.port)/photo.jpg") == Self.photo)
        #expect(try await fetcher.fetch("http://pictures.rebind.test:\(server.port)/elsewhere") == Self.photo)
        #expect(server.hostsSeen == ["pictures.rebind.test:\(server.port)", "pictures.rebind.test:\(server.port)", "cdn.rebind.test:\(server.port)"])
        await expectError(fetcher, "http://pictures.rebind.test:\(server.port)/to-rebound", contains: "10.9.8.7, a private address")
        // An address literal is connected to as it is, with its own Host header.
        #expect(try await fetcher.fetch("\(server.base)/photo.jpg") == Self.photo)
        #expect(server.hostsSeen.last == "127.0.0.1:\(server.port)")
    }

    @Test func htmlServedAsJPEGIsAClearPictureError() async throws {
        let server = try Self.makeServer()
        defer { server.stop() }
        let processor = HashImagesProcessor(references: .empty, fetcher: PictureFetcher(limits: Self.loopbackOnly))
        let item = Item(platform: "ebay", itemID: "v1|1|0", kind: .listing, pictures: [
            Picture(url: "\(server.base)/html-as-jpeg"), Picture(url: "\(server.base)/endless"), Picture(url: "\(server.base)/photo.jpg"),
        ])
        let hashed = await processor.hash(item)
        #expect(hashed.pictures[0].error?.contains("HTML page") == true, "\(hashed.pictures[0].error ?? "nil")")
        #expect(hashed.pictures[1].error?.contains("byte limit") == true)
        #expect(hashed.pictures[2].pdq != nil)
    }

    @Test func eachPictureIsFetchedOnce() async throws {
        let counter = Counter()
        let server = try TestHTTPServer(routes: [
            "/a.jpg": { _, fd in counter.increment(); TestHTTPServer.send(fd, type: "image/jpeg", body: FetchTests.photo) },
        ])
        defer { server.stop() }
        let processor = HashImagesProcessor(references: .empty, fetcher: PictureFetcher(limits: Self.loopbackOnly))
        let item = Item(platform: "x", itemID: "1", kind: .post, pictures: [Picture(url: "\(server.base)/a.jpg"), Picture(url: "\(server.base)/a.jpg")])
        _ = await processor.hash(item)
        _ = await processor.hash(item)
        #expect(counter.value == 1)
    }

    func expectError(_ fetcher: PictureFetcher, _ url: String, contains text: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await fetcher.fetch(url)
            Issue.record("\(url) was fetched, expected an error containing '\(text)'", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(text), "\(url): \(error.description)", sourceLocation: sourceLocation)
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
