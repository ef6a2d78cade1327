#!/usr/bin/env bash
# Fills gpu-deps/src (git-ignored) with the sources bench/gpu.sh builds on a GPU machine that has
# LibTorch, CMake and ninja but not yaml-cpp, spdlog, CLI11, GoogleTest or zlib, and no internet:
# carry the folder there (about 20 MB). Run it where git can reach the repositories.
# usage: [REPOS=DIR] bench/gpu_deps.sh
#   REPOS: a folder with a git repository (a clone, bare or not) of each, named as below, instead
#   of cloning from GitHub
set -euo pipefail
cd "$(dirname "$0")/.."
dest=gpu-deps/src
mkdir -p "$dest"
# name  GitHub repository  tag (versions that build with GCC 12 to 14)
deps=(
  "yaml-cpp jbeder/yaml-cpp 0.8.0"
  "spdlog gabime/spdlog v1.13.0"
  "CLI11 CLIUtils/CLI11 v2.4.2"
  "googletest google/googletest v1.14.0"
  "zlib madler/zlib v1.3.1"
)
for entry in "${deps[@]}"; do
  read -r name repo tag <<<"$entry"
  rm -rf "${dest:?}/$name"
  mkdir -p "$dest/$name"
  if [ -n "${REPOS:-}" ]; then
    git --git-dir="$(git -C "$REPOS/$name" rev-parse --absolute-git-dir)" archive "$tag" |
      tar -x -C "$dest/$name"
  else
    git clone -q --depth 1 --branch "$tag" "https://github.com/$repo.git" "$dest/$name"
    rm -rf "$dest/$name/.git"
  fi
  # docs and examples are not built, nor tests (zlib's CMakeLists names its test/ files)
  rm -rf "$dest/$name"/{docs,doc,examples,example,book}
  [ "$name" = zlib ] || rm -rf "$dest/$name"/{test,tests}
  echo "$name $tag" >>"$dest/VERSIONS.tmp"
done
mv "$dest/VERSIONS.tmp" "$dest/VERSIONS"
du -sh "$dest"
