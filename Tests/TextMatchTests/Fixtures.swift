import BrandProfiles
import Foundation
import TextMatch

/// The profiles the tests match with, written as YAML files the way attorneys write them.
enum Fixtures {
    static let cartier = """
    id: cartier
    name: Cartier
    owner: Cartier International AG
    trademarks:
      - mark: CARTIER
        office: USPTO
        number: "0411975"
        classes: [14]
    terms: [Cartier, 卡地亚]
    products:
      - Love bracelet
      - Juste un Clou
      - Panthère
      - Tank
      - Santos-Dumont
    references:
      - images/logo.png
    retail:
      floor: {amount: 1500, currency: USD}
    authorized:
      - {platform: instagram, account: cartier}
      - {platform: amazon, account: A1CARTIER0OFFICIAL}
    counterfeit_terms: [replica, "1:1", AAA, mirror quality, dupe]
    exclude_terms: [cartier-bresson]
    platforms: [instagram, amazon, ebay, etsy, x, aliexpress, shopify, tiktok, pinterest]
    alerts:
      min_severity: medium
      sinks:
        - {kind: webhook, url: "https://hooks.example.com/touchstone", secret_env: HOOK_SECRET}

    """

    static let others: [String: String] = [
        "nike.yaml": """
        id: nike
        name: Nike
        terms: [Nike]
        products: [Air Jordan, Air Max, Dunk Low, Air Force 1]
        retail:
          floor: {amount: 90, currency: USD}
        authorized:
          - {platform: instagram, account: nike}
        """,
        "rolex.yaml": """
        id: rolex
        name: Rolex
        terms: [Rolex]
        products: [Submariner, Daytona, Datejust, Oyster Perpetual, GMT-Master II]
        retail:
          floor: {amount: 5000, currency: EUR}
        exclude_terms: [rolex street]
        """,
        "louis-vuitton.yaml": """
        id: louis-vuitton
        name: Louis Vuitton
        terms: [Louis Vuitton, Vuitton, LV]
        products: [Neverfull, Speedy, Keepall, Monogram]
        retail:
          floor: {amount: 1200, currency: EUR}
        """,
        "gucci.yaml": """
        id: gucci
        name: Gucci
        terms: [Gucci]
        products: [Marmont, Dionysus, Jackie 1961]
        """,
        "chanel.yaml": """
        id: chanel
        name: Chanel
        terms: [Chanel]
        products: [Classic Flap, Boy Bag, Coco Crush, "No. 5"]
        exclude_terms: [chanel islands]
        """,
        "hermes.yaml": """
        id: hermes
        name: Hermès
        terms: [Hermès]
        products: [Birkin, Kelly bag, Constance]
        """,
        "omega.yaml": """
        id: omega
        name: Omega
        terms: [Omega watch, Omega Seamaster, Omega Speedmaster]
        products: [Speedmaster, Seamaster, Constellation]
        """,
        "patagonia.yaml": """
        id: patagonia
        name: Patagonia
        terms: [Patagonia]
        products: [Better Sweater, Nano Puff]
        """,
        "balenciaga.yaml": """
        id: balenciaga
        name: Balenciaga
        terms: [Balenciaga]
        products: [Triple S, City bag]
        """,
    ]

    /// A fresh folder with the profiles; returns its URL.
    static func brandsFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-brands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try cartier.write(to: folder.appendingPathComponent("cartier.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in others {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static let matcher: TextMatcher = {
        let folder = try! brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return TextMatcher(profiles: try! BrandProfileLoader.loadDirectory(folder))
    }()
}
