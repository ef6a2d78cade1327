#pragma once

// File writes that never leave a half-written result behind.

#include <string>

namespace gnas {

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so a
/// reader sees the old file or the new one, never a partial one. Creates missing parent folders.
/// Throws Error when the folder cannot be created or the file cannot be written.
void write_file_atomic(const std::string& path, const std::string& content);

/// The whole file as bytes. Throws DataError naming the file when it cannot be read.
std::string read_file(const std::string& path);

/// Creates `dir` and its parents when missing. Throws Error naming the folder on failure.
void ensure_directory(const std::string& dir);

/// `dir`/`name`, with no doubled separator.
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace gnas
