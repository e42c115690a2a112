import Testing
@Test func IngestTestsPlaceholder() {}
