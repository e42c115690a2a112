import ArgumentParser
import Foundation
import Logging
import Materializer
import Web

/// `touchstone serve [--port N]` (CLI.md): the web UI and JSON API over the view.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web UI and the JSON API.",
        discussion: "Open http://127.0.0.1:8080/ (UI) or /api/findings (JSON). Decisions made in the UI go to the decisions topic; POST /ingest/{platform} takes NDJSON like `touchstone ingest`."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "TCP port (default 8080).")
    var port = 8080

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    func run() async throws {
        let transport = try global.makeTransport()
        let (holders, problems) = RightsHolder.load(from: global.brandsDirectory)
        for problem in problems {
            FileHandle.standardError.write(Data("warning: brand profile not used for notices: \(problem)\n".utf8))
        }
        let services = WebServices(
            viewPath: MaterializedView.path(dataDirectory: global.dataDirectory), transport: transport, rightsHolders: holders)
        // Other parts add their routes through this hook: the HTTP ingest
        // endpoint (INPUTS.md, `POST /ingest/{platform}`) publishes with its own producer.
        let ingestProducer = try await transport.makeProducer()
        let extraRoutes: [WebApp.RouteHook] = [
            { router in addIngestRoutes(to: router, producer: ingestProducer) },
        ]
        let host = host
        let app = WebApp.makeApplication(
            services: services, host: host, port: port, extraRoutes: extraRoutes,
            onServerRunning: { port in
                // Unbuffered, so that scripts waiting for this line see it at once.
                FileHandle.standardOutput.write(Data("touchstone: serving http://\(host):\(port)/ (UI) and /api/findings (JSON); Ctrl-C stops\n".utf8))
            })
        try await app.runService()
        await services.shutdown()
        try await ingestProducer.close()
    }
}
