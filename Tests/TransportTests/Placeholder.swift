import Testing
@Test func TransportTestsPlaceholder() {}
