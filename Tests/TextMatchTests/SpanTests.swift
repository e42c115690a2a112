import Testing
import TextMatch
import TouchstoneCore

/// Spans are Unicode scalar offsets of the original text, also where NFKC
/// folding changes the length (full-width letters, ligatures, combining accents).
@Suite("Spans in the original text")
struct SpanTests {
    func brandSpans(_ text: String, brand: String = "cartier") -> [(span: [Int], matched: String, rule: String)] {
        Fixtures.matcher.signals(inText: text)
            .filter { $0.brand == brand && $0.signal == .brandTerm }
            .map { ($0.span ?? [], $0.matched ?? "", $0.rule) }
    }

    @Test func cyrillicAtOffsetTwelve() {
        // The example of CLI.md: span [12,19] for Саrtiеr with Cyrillic letters.
        let found = brandSpans("Brand new 😍 Саrtiеr bracelet")
        #expect(found.map(\.span) == [[12, 19]])
        #expect(found.first?.matched == "Саrtiеr")
        #expect(found.first?.rule == "confusable")
    }

    @Test func fullWidthAfterAstralEmoji() {
        let text = "🔥🔥 ＣＡＲＴＩＥＲ ＬＯＶＥ"
        let found = brandSpans(text)
        #expect(found.map(\.span) == [[3, 10]])
        #expect(found.first?.matched == "ＣＡＲＴＩＥＲ")
    }

    @Test func combiningAccentsBeforeAndInside() {
        // "e\u{301}" is two scalars; NFKC makes it one. Offsets still count the original scalars.
        let text = "Cafe\u{301} Cartie\u{301}r, cre\u{300}me"
        let found = brandSpans(text)
        #expect(found.map(\.span) == [[6, 14]])
        #expect(found.first?.matched == "Cartie\u{301}r")
    }

    @Test func trailingCombiningMarkBelongsToTheMatch() {
        let found = brandSpans("x Cartier\u{301} y")
        #expect(found.map(\.span) == [[2, 10]])
    }

    @Test func ligatureExpandsUnderNFKC() {
        // U+FB01 (fi) folds to two letters: the match still maps back to whole original scalars.
        let text = "ﬁne Cartier"
        let found = brandSpans(text)
        #expect(found.map(\.span) == [[4, 11]])
    }

    @Test func mathematicalLettersAreAstral() {
        let text = "new 𝐂𝐚𝐫𝐭𝐢𝐞𝐫!"
        let found = brandSpans(text)
        #expect(found.map(\.span) == [[4, 11]])
        #expect(found.first?.matched == "𝐂𝐚𝐫𝐭𝐢𝐞𝐫")
    }

    @Test func spansOfEveryFieldAreRelativeToThatField() {
        var item = Item(platform: "instagram", itemID: "1", kind: .post, title: "ＣＡＲＴＩＥＲ", text: "x Cartier")
        item.hashtags = ["cartierlove"]
        let signals = Fixtures.matcher.signals(for: item).filter { $0.signal == .brandTerm }
        #expect(signals.contains { $0.field == "title" && $0.span == [0, 7] })
        #expect(signals.contains { $0.field == "text" && $0.span == [2, 9] })
        // A hashtag field's span counts from the tag itself (no `#`).
        #expect(signals.contains { $0.field == "hashtags[0]" && $0.span == [0, 7] && $0.rule == "hashtag" })
    }

    @Test func zeroWidthJoinerInsideTheWord() {
        let text = "Car\u{200D}tier"
        let found = brandSpans(text)
        #expect(found.map(\.span) == [[0, 8]])
    }
}
