/// The built-in counterfeit signs (BRANDS.md), by language. Profiles add
/// their own with `counterfeit_terms`. Matched on folded text (case and
/// accents folded) at word boundaries, but never through leetspeak or
/// splitting, so that `1:1` is not found in `11` and `replica` not in `r.e.p`.
/// Words that are ordinary outside counterfeit trade (`faux` as in faux
/// leather, `copy`) are left out.
public enum CounterfeitTerms {
    public static let byLanguage: [(language: String, terms: [String])] = [
        ("en", ["replica", "replicas", "1:1", "AAA", "AAA+", "AAAAA", "mirror quality", "mirror copy", "super fake",
                "superfake", "dupe", "dupes", "inspired by", "knockoff", "knock off", "knock-off", "counterfeit",
                "high copy", "first copy", "master copy", "top copy", "1:1 copy", "fake", "fakes", "lookalike",
                "look alike", "unbranded", "not authentic", "non authentic", "clone watch", "rep watch"]),
        ("fr", ["réplique", "répliques", "contrefaçon", "contrefaçons", "copie", "imitation", "qualité miroir",
                "inspiré de", "faux sac", "fausse montre", "haute copie"]),
        ("es", ["réplica", "réplicas", "imitación", "falsificación", "falsificado", "falsificada", "calidad espejo",
                "inspirado en", "copia", "clon", "clones", "primera calidad AAA"]),
        ("it", ["contraffatto", "contraffatta", "contraffazione", "imitazione", "falso", "falsa", "qualità specchio",
                "ispirato a", "copia perfetta"]),
        ("de", ["Replik", "Fälschung", "Fälschungen", "gefälscht", "Nachahmung", "Imitat", "Kopie", "Spiegelqualität",
                "1 zu 1", "inspiriert von", "Plagiat"]),
        ("pt", ["falsificado", "falsificada", "imitação", "cópia", "qualidade espelho", "primeira linha",
                "inspirado em", "réplica perfeita", "pirata"]),
        ("zh", ["高仿", "复刻", "仿品", "仿制", "A货", "精仿", "一比一", "1比1", "超A", "原单", "莆田", "山寨", "假货",
                "顶级复刻", "镜面版", "复刻版"]),
    ]

    /// Every built-in term, deduplicated by folded form.
    public static var all: [String] {
        var seen = Set<String>()
        var terms: [String] = []
        for (_, list) in byLanguage {
            for term in list where seen.insert(FoldTable.shared.fold(term)).inserted {
                terms.append(term)
            }
        }
        return terms
    }
}
