import BrandProfiles
import Foundation
import Testing

/// Profile errors name the file, the line and the field.
@Suite("Brand profile validation")
struct ProfileValidationTests {
    func errors(_ yaml: String, name: String = "acme.yaml") throws -> [BrandProfileError] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("brands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try yaml.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return BrandProfileLoader.loadDirectoryCollectingErrors(folder).errors
    }

    @Test func loadsTheExampleOfBrandsMD() throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let profiles = try BrandProfileLoader.loadDirectory(folder)
        let cartier = try #require(profiles.first { $0.id == "cartier" })
        #expect(cartier.name == "Cartier")
        #expect(cartier.owner == "Cartier International AG")
        #expect(cartier.trademarks == [Trademark(mark: "CARTIER", office: "USPTO", number: "0411975", classes: [14])])
        #expect(cartier.products.contains("Panthère"))
        #expect(cartier.retail?.floor == Money(amount: 1500, currency: "USD"))
        #expect(cartier.authorized.contains(AuthorizedAccount(platform: "amazon", account: "A1CARTIER0OFFICIAL")))
        #expect(cartier.counterfeitTerms == ["replica", "1:1", "AAA", "mirror quality", "dupe"])
        #expect(cartier.excludeTerms == ["cartier-bresson"])
        #expect(cartier.alerts?.minSeverity == .medium)
        #expect(cartier.alerts?.sinks == [AlertSink(kind: "webhook", url: "https://hooks.example.com/touchstone", secretEnv: "HOOK_SECRET")])
        // References resolve against the profile's folder, whatever the working directory.
        #expect(cartier.references.first?.path == "images/logo.png")
        #expect(cartier.references.first?.url.path == folder.appendingPathComponent("images/logo.png").standardizedFileURL.path)
        #expect(cartier.references.first?.line == 17)
        #expect(cartier.version.count == 16)
    }

    @Test func minimalProfile() throws {
        #expect(try errors("id: acme\nname: Acme\nterms: [Acme]\n").isEmpty)
        #expect(try errors("id: acme\nname: Acme\nreferences: [logo.png]\n").isEmpty)
    }

    @Test func badIDNamesLineAndField() throws {
        let found = try errors("name: Acme\nid: Acme Corp\nterms: [Acme]\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 2)
        #expect(found.first?.field == "id")
        #expect(found.first?.file.hasSuffix("acme.yaml") == true)
        #expect(found.first?.description.contains("acme.yaml:2: id: must match [a-z0-9-]+") == true)
    }

    @Test func missingRequiredFields() throws {
        let found = try errors("owner: Someone\n")
        #expect(Set(found.compactMap(\.field)) == ["id", "name", "terms"])
    }

    @Test func wrongTypesAndValues() throws {
        let yaml = """
        id: acme
        name: Acme
        terms: Acme
        retail:
          floor: {amount: lots, currency: dollars}
        authorized:
          - {platform: instagram}
        alerts:
          min_severity: urgent
          sinks:
            - {kind: webhook, url: "ftp://x"}
        """
        let found = try errors(yaml)
        let byField = Dictionary(found.compactMap { error in error.field.map { ($0, error) } }, uniquingKeysWith: { a, _ in a })
        #expect(byField["terms"]?.line == 3)
        #expect(byField["retail.floor.amount"]?.line == 5)
        #expect(byField["retail.floor.currency"]?.line == 5)
        #expect(byField["authorized[0].account"]?.line == 7)
        #expect(byField["alerts.min_severity"]?.line == 9)
        #expect(byField["alerts.sinks[0].url"]?.line == 11)
    }

    @Test func unknownFieldIsAnError() throws {
        let found = try errors("id: acme\nname: Acme\nterms: [Acme]\nterm: [Acmee]\n")
        #expect(found.count == 1)
        #expect(found.first?.field == "term")
        #expect(found.first?.line == 4)
    }

    @Test func yamlSyntaxErrorHasALine() throws {
        let found = try errors("id: acme\nname: Acme\nterms: [Acme\nproducts: [x]\n")
        #expect(found.count == 1)
        #expect(found.first?.line != nil)
        #expect(found.first?.description.contains("YAML syntax") == true)
    }

    @Test func duplicateIDsAcrossFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("brands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "id: acme\nname: A\nterms: [A]\n".write(to: folder.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "id: acme\nname: B\nterms: [B]\n".write(to: folder.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        let result = BrandProfileLoader.loadDirectoryCollectingErrors(folder)
        #expect(result.profiles.count == 1)
        #expect(result.errors.first?.field == "id")
        #expect(result.errors.first?.file.hasSuffix("b.yml") == true)
    }

    @Test func versionIsTheContentHash() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("v-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "id: acme\nname: Acme\nterms: [Acme]\n".write(to: file, atomically: true, encoding: .utf8)
        let first = try BrandProfileLoader.loadFile(file).version
        #expect(try BrandProfileLoader.loadFile(file).version == first)
        try "id: acme\nname: Acme\nterms: [Acme, ACME Corp]\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try BrandProfileLoader.loadFile(file).version != first)
    }
}
