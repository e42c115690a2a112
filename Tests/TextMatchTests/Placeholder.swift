import Testing
@Test func TextMatchTestsPlaceholder() {}
