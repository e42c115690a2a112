import BrandProfiles
import Testing
import TextMatch
import TouchstoneCore

/// A text in which a brand's signal must be found.
struct Positive: CustomTestStringConvertible, Sendable {
    var text: String
    var brand: String
    var signal: SignalName
    /// The rule that must fire, when the case is about one.
    var rule: String?
    /// The original text the span must point at.
    var matched: String?

    init(_ text: String, _ brand: String, _ signal: SignalName = .brandTerm, rule: String? = nil, matched: String? = nil) {
        self.text = text
        self.brand = brand
        self.signal = signal
        self.rule = rule
        self.matched = matched
    }

    var testDescription: String { "\(brand)/\(signal.rawValue)/\(rule ?? "*") in \"\(text)\"" }
}

/// A text in which a brand's signal must not be found (nil signal: no signal of that brand at all,
/// except `excluded`, which explains why).
struct Negative: CustomTestStringConvertible, Sendable {
    var text: String
    var brand: String
    var signal: SignalName?

    init(_ text: String, _ brand: String, _ signal: SignalName? = nil) {
        self.text = text
        self.brand = brand
        self.signal = signal
    }

    var testDescription: String { "no \(brand)/\(signal?.rawValue ?? "*") in \"\(text)\"" }
}

enum MatchingCases {
    static let positives: [Positive] = handWritten + generated

    static let handWritten: [Positive] = [
        // exact, case and accents
        Positive("Just got my Cartier love bracelet!! 😍", "cartier", rule: "exact", matched: "Cartier"),
        Positive("CARTIER panthere ring size 52", "cartier", rule: "exact", matched: "CARTIER"),
        Positive("cartier", "cartier", rule: "exact", matched: "cartier"),
        Positive("Vintage cartier, box and papers", "cartier", rule: "exact", matched: "cartier"),
        Positive("(Cartier) tank must", "cartier", rule: "exact", matched: "Cartier"),
        Positive("Hermes Birkin 30 gold hardware", "hermes", rule: "exact", matched: "Hermes"),
        Positive("HERMÈS Kelly bag 28", "hermes", rule: "exact", matched: "HERMÈS"),
        Positive("sac hermès constance vintage", "hermes", rule: "exact", matched: "hermès"),
        Positive("Louis Vuitton Neverfull MM damier", "louis-vuitton", rule: "exact", matched: "Louis Vuitton"),
        Positive("louis  vuitton keepall 55", "louis-vuitton", rule: "exact", matched: "louis  vuitton"),
        Positive("Vuitton speedy 25 bandouliere", "louis-vuitton", rule: "exact", matched: "Vuitton"),
        Positive("Gucci Marmont small matelassé", "gucci", rule: "exact", matched: "Gucci"),
        Positive("chanel classic flap medium caviar", "chanel", rule: "exact", matched: "chanel"),
        Positive("Rolex Datejust 41 wimbledon dial", "rolex", rule: "exact", matched: "Rolex"),
        Positive("nike dunk low panda restock", "nike", rule: "exact", matched: "nike"),
        Positive("Patagonia better sweater, size M", "patagonia", rule: "exact", matched: "Patagonia"),
        Positive("Balenciaga Triple S clear sole", "balenciaga", rule: "exact", matched: "Balenciaga"),
        Positive("my new Omega Speedmaster moonwatch", "omega", rule: "exact", matched: "Omega Speedmaster"),
        Positive("Cartier.", "cartier", rule: "exact", matched: "Cartier"),
        Positive("'Cartier'", "cartier", rule: "exact", matched: "Cartier"),
        Positive("«Cartier»", "cartier", rule: "exact", matched: "Cartier"),
        Positive("Cartier's new campaign", "cartier", rule: "exact", matched: "Cartier"),
        Positive("visit www.cartier.com for more", "cartier", rule: "exact", matched: "cartier"),
        Positive("Pulsera Cartier original, envío gratis", "cartier", rule: "exact", matched: "Cartier"),
        Positive("Bracelet Cartier d'occasion", "cartier", rule: "exact", matched: "Cartier"),
        Positive("卡地亚手镯 全新", "cartier", rule: "exact", matched: "卡地亚"),
        Positive("Cartie\u{301}r ring", "cartier", matched: "Cartie\u{301}r"),
        // confusables and compatibility forms
        Positive("Саrtiеr love bracelet", "cartier", rule: "confusable", matched: "Саrtiеr"),
        Positive("ＣＡＲＴＩＥＲ ring", "cartier", rule: "confusable", matched: "ＣＡＲＴＩＥＲ"),
        Positive("Ｃａｒｔｉｅｒ", "cartier", rule: "confusable", matched: "Ｃａｒｔｉｅｒ"),
        Positive("𝐂𝐚𝐫𝐭𝐢𝐞𝐫 bracelet", "cartier", rule: "confusable", matched: "𝐂𝐚𝐫𝐭𝐢𝐞𝐫"),
        Positive("𝓒𝓪𝓻𝓽𝓲𝓮𝓻 dupe", "cartier", rule: "confusable", matched: "𝓒𝓪𝓻𝓽𝓲𝓮𝓻"),
        Positive("ɡucci belt", "gucci", rule: "confusable", matched: "ɡucci"),
        Positive("Gυcci bag", "gucci", rule: "confusable", matched: "Gυcci"),
        Positive("ΝΙΚΕ air max", "nike", rule: "confusable", matched: "ΝΙΚΕ"),
        Positive("Rоlех watch", "rolex", rule: "confusable", matched: "Rоlех"),
        Positive("Chаnеl bag", "chanel", rule: "confusable", matched: "Chаnеl"),
        Positive("CHANEI classic flap", "chanel", rule: "confusable", matched: "CHANEI"),
        Positive("Ⓒⓐⓡⓣⓘⓔⓡ", "cartier", rule: "confusable", matched: "Ⓒⓐⓡⓣⓘⓔⓡ"),
        // leetspeak
        Positive("C@rtier love bangle", "cartier", rule: "leetspeak", matched: "C@rtier"),
        Positive("Cart1er juste un clou", "cartier", rule: "leetspeak", matched: "Cart1er"),
        Positive("CARTI3R", "cartier", rule: "leetspeak", matched: "CARTI3R"),
        Positive("C4RT13R", "cartier", rule: "leetspeak", matched: "C4RT13R"),
        Positive("GUCC1 belt", "gucci", rule: "leetspeak", matched: "GUCC1"),
        Positive("Gucc1 slides", "gucci", rule: "leetspeak", matched: "Gucc1"),
        Positive("N1KE air max 90", "nike", rule: "leetspeak", matched: "N1KE"),
        Positive("R0LEX sub", "rolex", rule: "leetspeak", matched: "R0LEX"),
        Positive("Ch@nel bag", "chanel", rule: "leetspeak", matched: "Ch@nel"),
        Positive("Chane1 no5", "chanel", rule: "leetspeak", matched: "Chane1"),
        Positive("B@lenci@g@ runners", "balenciaga", rule: "leetspeak", matched: "B@lenci@g@"),
        Positive("Ro|ex submariner", "rolex", rule: "leetspeak", matched: "Ro|ex"),
        Positive("H3rmes birkin", "hermes", rule: "leetspeak", matched: "H3rmes"),
        Positive("Vu1tton bag", "louis-vuitton", rule: "leetspeak", matched: "Vu1tton"),
        // split and padded
        Positive("C.a.r.t.i.e.r bracelet", "cartier", rule: "split", matched: "C.a.r.t.i.e.r"),
        Positive("C A R T I E R", "cartier", rule: "split", matched: "C A R T I E R"),
        Positive("c-a-r-t-i-e-r love", "cartier", rule: "split", matched: "c-a-r-t-i-e-r"),
        Positive("C_A_R_T_I_E_R", "cartier", rule: "split", matched: "C_A_R_T_I_E_R"),
        Positive("C*a*r*t*i*e*r", "cartier", rule: "split", matched: "C*a*r*t*i*e*r"),
        Positive("Car tier bangle", "cartier", rule: "split", matched: "Car tier"),
        Positive("Cart ier ring", "cartier", rule: "split", matched: "Cart ier"),
        Positive("G.U.C.C.I", "gucci", rule: "split", matched: "G.U.C.C.I"),
        Positive("G u c c i slides", "gucci", rule: "split", matched: "G u c c i"),
        Positive("R.o.l.e.x", "rolex", rule: "split", matched: "R.o.l.e.x"),
        Positive("N.I.K.E", "nike", rule: "split", matched: "N.I.K.E"),
        Positive("Chan el bag", "chanel", rule: "split", matched: "Chan el"),
        Positive("LouisVuitton wallet", "louis-vuitton", rule: "split", matched: "LouisVuitton"),
        Positive("Bal enci aga trainers", "balenciaga", rule: "split", matched: "Bal enci aga"),
        Positive("H E R M E S belt", "hermes", rule: "split", matched: "H E R M E S"),
        // hashtags and mentions
        Positive("#cartier", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("love it #cartierlove", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("#lovecartier", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("#mycartierbracelet", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("#cartier2024", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("#CartierWatch #luxury", "cartier", rule: "hashtag", matched: "Cartier"),
        Positive("#gucciflora", "gucci", rule: "hashtag", matched: "gucci"),
        Positive("#nikeshoes", "nike", rule: "hashtag", matched: "nike"),
        Positive("#rolexsubmariner", "rolex", rule: "hashtag", matched: "rolex"),
        Positive("#chanelbag #fashion", "chanel", rule: "hashtag", matched: "chanel"),
        Positive("#louisvuitton", "louis-vuitton", rule: "hashtag"),
        Positive("#replicacartier", "cartier", rule: "hashtag", matched: "cartier"),
        Positive("thanks @cartier for the gift", "cartier", rule: "mention", matched: "cartier"),
        Positive("dm @cartier_official", "cartier", rule: "mention", matched: "cartier"),
        Positive("@nike just dropped", "nike", rule: "mention", matched: "nike"),
        Positive("@gucci", "gucci", rule: "mention", matched: "gucci"),
        Positive("#Саrtiеr", "cartier", rule: "hashtag", matched: "Саrtiеr"),
        // typos
        Positive("Cartiier bracelet for sale", "cartier", rule: "typo", matched: "Cartiier"),
        Positive("Catrier ring", "cartier", rule: "typo", matched: "Catrier"),
        Positive("Cartie love", "cartier", rule: "typo", matched: "Cartie"),
        Positive("Carteir bangle", "cartier", rule: "typo", matched: "Carteir"),
        Positive("Cartjer", "cartier", rule: "typo", matched: "Cartjer"),
        Positive("Guccii belt", "gucci", rule: "typo", matched: "Guccii"),
        Positive("Gucii bag", "gucci", rule: "typo", matched: "Gucii"),
        Positive("Rolexx datejust", "rolex", rule: "typo", matched: "Rolexx"),
        Positive("Rloex watch", "rolex", rule: "typo", matched: "Rloex"),
        Positive("Channl bag", "chanel", rule: "typo", matched: "Channl"),
        Positive("Balenciagaa", "balenciaga", rule: "typo", matched: "Balenciagaa"),
        Positive("Balenciga speed trainer", "balenciaga", rule: "typo", matched: "Balenciga"),
        Positive("Balnciga triple s", "balenciaga", rule: "typo", matched: "Balnciga"),
        Positive("Vuiton bag", "louis-vuitton", rule: "typo", matched: "Vuiton"),
        Positive("Vuittton speedy", "louis-vuitton", rule: "typo", matched: "Vuittton"),
        Positive("Patagoina jacket", "patagonia", rule: "typo", matched: "Patagoina"),
        Positive("Pataginia fleece", "patagonia", rule: "typo", matched: "Pataginia"),
        Positive("Hermess belt", "hermes", rule: "typo", matched: "Hermess"),
        Positive("Speedmastr moonwatch", "omega", .product, rule: "typo", matched: "Speedmastr"),
        Positive("Neverful mm", "louis-vuitton", .product, rule: "typo", matched: "Neverful"),
        // products
        Positive("Cartier Tank Française", "cartier", .product, rule: "exact", matched: "Tank"),
        Positive("Cartier love bracelet 17", "cartier", .product, matched: "love bracelet"),
        Positive("Cartier Juste un Clou bracelet", "cartier", .product, matched: "Juste un Clou"),
        Positive("Panthère de Cartier watch", "cartier", .product, matched: "Panthère"),
        // With Portuguese word lists loaded, `santos` (saints) is a common word, so the
        // product needs brand context; the separators are what these two check.
        Positive("Cartier Santos-Dumont large", "cartier", .product, matched: "Santos-Dumont"),
        Positive("cartier Santos Dumont XL", "cartier", .product, matched: "Santos Dumont"),
        Positive("Rolex Submariner date 41", "rolex", .product, matched: "Submariner"),
        Positive("Datejust 36 two tone", "rolex", .product, matched: "Datejust"),
        Positive("Rolex GMT-Master II pepsi", "rolex", .product, matched: "GMT-Master II"),
        Positive("LV Neverfull", "louis-vuitton", .product, matched: "Neverfull"),
        Positive("Keepall bandoulière 50", "louis-vuitton", .product, matched: "Keepall"),
        Positive("Speedmaster professional", "omega", .product, matched: "Speedmaster"),
        Positive("Seamaster 300", "omega", .product, matched: "Seamaster"),
        Positive("Nike Air Force 1 '07", "nike", .product, matched: "Air Force 1"),
        Positive("Nike Air Max 90", "nike", .product, matched: "Air Max"),
        Positive("Gucci Jackie 1961 small", "gucci", .product, matched: "Jackie 1961"),
        Positive("Chanel No. 5 eau de parfum", "chanel", .product, matched: "No. 5"),
        Positive("Tank watch, official cartier boutique", "cartier", .product, matched: "Tank"),
        // counterfeit terms with brand context
        Positive("Cartier love bracelet replica 1:1", "cartier", .counterfeitTerm, rule: "exact", matched: "replica"),
        Positive("Cartier love bracelet replica 1:1", "cartier", .counterfeitTerm, matched: "1:1"),
        Positive("Rolex submariner AAA quality", "rolex", .counterfeitTerm, matched: "AAA"),
        Positive("Rolex mirror quality 904L", "rolex", .counterfeitTerm, matched: "mirror quality"),
        Positive("nike dunk super fake", "nike", .counterfeitTerm, matched: "super fake"),
        Positive("Gucci belt dupe", "gucci", .counterfeitTerm, matched: "dupe"),
        Positive("inspired by Chanel classic flap", "chanel", .counterfeitTerm, matched: "inspired by"),
        Positive("réplique Cartier bracelet", "cartier", .counterfeitTerm, matched: "réplique"),
        Positive("réplica Rolex Daytona", "rolex", .counterfeitTerm, matched: "réplica"),
        Positive("Hermès Birkin contraffatta", "hermes", .counterfeitTerm, matched: "contraffatta"),
        Positive("Rolex Fälschung kaufen", "rolex", .counterfeitTerm, matched: "Fälschung"),
        Positive("Gucci bolsa imitação", "gucci", .counterfeitTerm, matched: "imitação"),
        Positive("高仿卡地亚手镯", "cartier", .counterfeitTerm, matched: "高仿"),
        Positive("复刻 Rolex 绿水鬼", "rolex", .counterfeitTerm, matched: "复刻"),
        Positive("Louis Vuitton A货 包", "louis-vuitton", .counterfeitTerm, matched: "A货"),
        Positive("#replica #cartier", "cartier", .counterfeitTerm, rule: "hashtag", matched: "replica"),
        Positive("Nike Air Jordan 1:1 copy", "nike", .counterfeitTerm, matched: "1:1 copy"),
        Positive("Chanel bag qualité miroir", "chanel", .counterfeitTerm, matched: "qualité miroir"),
        Positive("Balenciaga calidad espejo", "balenciaga", .counterfeitTerm, matched: "calidad espejo"),
        Positive("Rolex Replik Spiegelqualität", "rolex", .counterfeitTerm, matched: "Spiegelqualität"),
        Positive("Cartier knock-off bracelet", "cartier", .counterfeitTerm, matched: "knock-off"),
        Positive("Omega Seamaster clone watch", "omega", .counterfeitTerm, matched: "clone watch"),
        // exclude terms are reported
        Positive("Henri Cartier-Bresson exhibition", "cartier", .excluded, rule: "exclude-term", matched: "Cartier-Bresson"),
        Positive("Chanel Islands ferry times", "chanel", .excluded, matched: "Chanel Islands"),
    ]

    /// Every rule on every brand's name, in sentences people write.
    static let generated: [Positive] = {
        let names: [(String, String)] = [("cartier", "Cartier"), ("gucci", "Gucci"), ("rolex", "Rolex"), ("chanel", "Chanel"),
                                         ("balenciaga", "Balenciaga"), ("patagonia", "Patagonia")]
        var cases: [Positive] = []
        for (id, name) in names {
            let lower = name.lowercased()
            cases.append(Positive("Brand new \(name) bag, never used, DM for price", id, rule: "exact", matched: name))
            cases.append(Positive("selling my \(lower) today only!!", id, rule: "exact", matched: lower))
            cases.append(Positive("\(name.uppercased()) SALE 70% OFF", id, rule: "exact", matched: name.uppercased()))
            let padded = name.map(String.init).joined(separator: ".")
            cases.append(Positive("authentic \(padded) from Paris", id, rule: "split", matched: padded))
            let spaced = name.uppercased().map(String.init).joined(separator: " ")
            cases.append(Positive("\(spaced) outlet", id, rule: "split", matched: spaced))
            cases.append(Positive("#\(lower)style summer", id, rule: "hashtag", matched: lower))
            cases.append(Positive("gift from @\(lower) ❤️", id, rule: "mention", matched: lower))
            let leet = name.replacingOccurrences(of: "a", with: "4").replacingOccurrences(of: "e", with: "3")
                .replacingOccurrences(of: "o", with: "0").replacingOccurrences(of: "i", with: "1")
            cases.append(Positive("cheap \(leet) for you", id, rule: "leetspeak", matched: leet))
            let fullWidth = String(String.UnicodeScalarView(name.unicodeScalars.map { Unicode.Scalar($0.value + 0xFEE0)! }))
            cases.append(Positive("✨\(fullWidth)✨", id, rule: "confusable", matched: fullWidth))
            let cyrillic = name.replacingOccurrences(of: "a", with: "а").replacingOccurrences(of: "e", with: "е")
                .replacingOccurrences(of: "o", with: "о").replacingOccurrences(of: "c", with: "с")
            cases.append(Positive("\(cyrillic) bracelet", id, rule: "confusable", matched: cyrillic))
        }
        return cases
    }()

    static let negatives: [Negative] = [
        // false friends of BRANDS.md
        Negative("Henri Cartier-Bresson, The Decisive Moment", "cartier", .brandTerm),
        Negative("Exhibition: Cartier Bresson photographs", "cartier", .brandTerm),
        Negative("Nikeisha is my best friend", "nike"),
        Negative("President Jimmy Carter visited Plains", "cartier"),
        Negative("Carter family reunion", "cartier"),
        Negative("role play night with friends", "rolex"),
        Negative("the role of a lifetime", "rolex"),
        Negative("Tank top, size M, cotton", "cartier"),
        Negative("water tank 200 liters", "cartier"),
        Negative("fish tank with filter", "cartier"),
        Negative("think tank report", "cartier"),
        Negative("Love bracelet handmade with beads", "cartier"),
        Negative("I love bracelet stacking", "cartier"),
        Negative("panthère noire en peluche", "cartier"),
        Negative("juste un clou dans le mur", "cartier"),
        Negative("Air Max pressure in the tires", "nike"),
        Negative("fresh air jordan river trip", "nike"),
        Negative("Speedy delivery guaranteed", "louis-vuitton"),
        Negative("monogram necklace personalized", "louis-vuitton"),
        Negative("Submarine sandwich shop", "rolex"),
        Negative("oyster perpetual calendar recipe", "rolex"),
        Negative("classic flap jacket", "chanel"),
        Negative("boy bag for school", "chanel"),
        Negative("Kelly bag from the thrift store", "hermes"),
        Negative("Constance was late again", "hermes"),
        Negative("Constellation Orion tonight", "omega"),
        Negative("omega-3 fish oil capsules", "omega"),
        Negative("alpha to omega", "omega"),
        Negative("Dionysus and Apollo", "gucci"),
        Negative("better sweater weather", "patagonia"),
        // ordinary words at edit distance 1 or 2 are not typos
        Negative("carrier pigeon", "cartier"),
        Negative("Carter's baby clothes", "cartier"),
        Negative("carver knife", "cartier"),
        Negative("channel surfing", "chanel"),
        Negative("English Channel crossing", "chanel"),
        Negative("Prado museum", "rolex"),
        Negative("roles and responsibilities", "rolex"),
        Negative("rolled hem", "rolex"),
        Negative("Hermes is a Greek god", "hermes", .counterfeitTerm),
        Negative("herpes treatment", "hermes"),
        Negative("hermit crab", "hermes"),
        Negative("Gucci", "cartier"),
        Negative("gucchi", "cartier"),
        Negative("Patagonian landscapes", "patagonia"),
        Negative("cattier", "chanel"),
        Negative("Quartier Latin, Paris", "cartier"),
        Negative("quartier général", "cartier"),
        Negative("carrière professionnelle", "cartier"),
        Negative("cartridge for printer", "cartier"),
        Negative("cartel news", "cartier"),
        Negative("nickel plated", "nike"),
        Negative("Nikon D750 camera", "nike"),
        Negative("Mike and Nick", "nike"),
        Negative("bike tire", "nike"),
        Negative("likes and shares", "nike"),
        Negative("Rolexes? no", "rolex", .counterfeitTerm),
        Negative("vitamin C serum", "louis-vuitton"),
        Negative("Louis Armstrong records", "louis-vuitton"),
        Negative("Vuittonesque", "louis-vuitton"),
        Negative("channels", "chanel"),
        Negative("gucciardini family", "gucci"),
        Negative("Gucciardini", "gucci"),
        // inside a longer unrelated word
        Negative("scartier list", "cartier"),
        Negative("Oscar Tiernan", "cartier"),
        Negative("escartiera", "cartier"),
        Negative("Nikelodeon cartoons", "nike"),
        Negative("Snikers", "nike"),
        Negative("nikenaar", "nike"),
        Negative("unrolexed", "rolex"),
        Negative("microlex", "rolex"),
        Negative("Chanelle is my cousin", "chanel"),
        Negative("archanel", "chanel"),
        Negative("#oscartiernan", "cartier"),
        Negative("#scartierxyz", "cartier"),
        Negative("lvmh stock", "louis-vuitton"),
        // splits that are not the brand
        Negative("a car tire shop", "cartier"),
        Negative("put the pan there", "cartier"),
        Negative("Di or Da?", "chanel"),
        Negative("car. Tier 2 support", "cartier"),
        Negative("car\ntier", "cartier"),
        // counterfeit terms need brand context; without it, no counterfeit signal for a brand
        Negative("replica of the Eiffel tower", "cartier"),
        Negative("AAA batteries pack of 24", "rolex"),
        Negative("1:1 scale model", "nike"),
        Negative("mirror quality glass", "chanel"),
        Negative("this is a dupe of a drugstore lipstick", "gucci"),
        Negative("高仿 手机壳", "cartier"),
        Negative("inspired by nature", "hermes"),
        Negative("super fake news", "nike"),
        // counterfeit terms must be written as they are (no leetspeak, no split)
        Negative("Cartier r.e.p.l.i.c.a.s of nothing", "cartier", .counterfeitTerm),
        Negative("Cartier bracelet 11 cm", "cartier", .counterfeitTerm),
        Negative("Cartier bracelet size 2011", "cartier", .counterfeitTerm),
        Negative("Cartier AAAA energy", "cartier", .counterfeitTerm),
        Negative("Cartier r3plica", "cartier", .counterfeitTerm),
        // other brands' words
        Negative("Omega Seamaster 300M", "rolex"),
        Negative("Rolex Submariner", "omega"),
        Negative("Gucci Marmont", "chanel"),
        Negative("plain text with no brand at all", "cartier"),
        Negative("", "cartier"),
        Negative("🔥🔥🔥 💍 ✨", "cartier"),
        Negative("12345 67890", "nike"),
        Negative("info@cartierx.example", "cartier"),
        Negative("#diorama #gucciardini", "gucci"),
        Negative("Snickers bar", "nike"),
        Negative("Gucciones family", "gucci"),
        Negative("#scartiers", "cartier"),
        Negative("carters and wagons", "cartier"),
    ]
}

@Suite("Matching rules of BRANDS.md")
struct MatchingRuleTests {
    @Test("the table has enough cases")
    func tableSize() {
        #expect(MatchingCases.positives.count >= 150)
        #expect(MatchingCases.negatives.count >= 100)
    }

    @Test("positive cases", arguments: MatchingCases.positives)
    func positive(_ testCase: Positive) {
        let signals = Fixtures.matcher.signals(inText: testCase.text)
        let found = signals.filter { $0.brand == testCase.brand && $0.signal == testCase.signal }
        #expect(!found.isEmpty, "signals: \(signals.map { "\($0.brand)/\($0.signal.rawValue)/\($0.rule)/\($0.matched ?? "")" })")
        if let rule = testCase.rule {
            #expect(found.contains { $0.rule == rule }, "rules: \(found.map(\.rule))")
        }
        let scalars = Array(testCase.text.unicodeScalars)
        for signal in found {
            // Every span points at exactly the matched original characters.
            let span = signal.span ?? []
            #expect(span.count == 2 && span[0] >= 0 && span[0] < span[1] && span[1] <= scalars.count)
            if span.count == 2, span[0] < span[1], span[1] <= scalars.count {
                #expect(String(String.UnicodeScalarView(scalars[span[0]..<span[1]])) == signal.matched)
            }
        }
        if let matched = testCase.matched {
            #expect(found.contains { $0.matched == matched }, "matched: \(found.map { $0.matched ?? "" })")
        }
    }

    @Test("negative cases", arguments: MatchingCases.negatives)
    func negative(_ testCase: Negative) {
        let signals = Fixtures.matcher.signals(inText: testCase.text)
        let found = signals.filter {
            $0.brand == testCase.brand && $0.signal != .excluded && (testCase.signal == nil || $0.signal == testCase.signal)
        }
        #expect(found.isEmpty, "unexpected: \(found.map { "\($0.signal.rawValue)/\($0.rule)/\($0.matched ?? "")" })")
    }
}
