import Testing
@Test func PipelineTestsPlaceholder() {}
