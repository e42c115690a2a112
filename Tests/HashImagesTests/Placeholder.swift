import Testing
@Test func HashImagesTestsPlaceholder() {}
