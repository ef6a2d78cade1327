#pragma once

namespace gnas {

/// The project version, e.g. "0.1.0".
const char* version();
/// The short git hash of the source tree at configure time, or "unknown".
const char* git_hash();

}  // namespace gnas
