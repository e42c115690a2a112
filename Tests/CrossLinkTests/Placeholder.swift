import Testing
@Test func CrossLinkTestsPlaceholder() {}
