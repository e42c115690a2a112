// CImageCodecs: C decoders (libjpeg-turbo, libpng, libwebp, giflib) that catch
// the libraries' longjmp errors, which Swift cannot.
#pragma once
