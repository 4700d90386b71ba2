#pragma once
// ProgramImage: a C or C++ program built as its own shared object, loaded
// once, whose writable data (.data, .bss: its global and static variables)
// and heap (program_heap.h) are put back to their state after loading
// before every execution.
//
// Why a shared object: its writable PT_LOAD segment holds exactly the
// program's globals, apart from weft's (which live in the executable and
// must keep their state across executions), so restoring that segment gives
// every execution a fresh program without reloading it. The part of the
// segment that is read-only after relocation (PT_GNU_RELRO: the GOT,
// vtables, .data.rel.ro) needs no restoring and cannot be written.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace weft::program {

// copy_bytes is memcpy that AddressSanitizer does not check: it poisons the
// redzones it puts between a module's globals, and the snapshot reads them
// and the restore writes them back as they were. The accesses are volatile,
// so the compiler does not turn the loop back into a (checked) memcpy call;
// by words where `to` and `from` are equally aligned, else by bytes.
__attribute__((no_sanitize("address"))) void copy_bytes(char* to, const char* from, std::size_t n) noexcept;

class ProgramImage {
 public:
  // MainFunction is the program's main; a main taking fewer parameters is
  // called the same way, as C allows.
  using MainFunction = int (*)(int, char**, char**);

  // load opens the shared object at `path` (its constructors run now, once)
  // and snapshots its writable data and its heap. On failure it returns null and sets
  // `error` to a sentence saying why (no such file, undefined symbol, no
  // main, ...). With `stubbed` non-null, a function the program calls and
  // nothing defines does not stop the load: calls of it return a nondet
  // value (stubs.h), and `stubbed` gets their names.
  static std::unique_ptr<ProgramImage> load(const std::string& path, std::string& error,
                                            std::vector<std::string>* stubbed = nullptr);
  ProgramImage(const ProgramImage&) = delete;
  ProgramImage& operator=(const ProgramImage&) = delete;
  ~ProgramImage();  // keeps the object loaded: see the .cpp

  MainFunction main_function() const noexcept { return main_; }
  // reset puts every writable byte of the program, and its heap, back to
  // their snapshots.
  void reset() noexcept;
  // data_bytes is how many bytes of writable data reset() copies.
  std::size_t data_bytes() const noexcept;

 private:
  struct Segment {
    char* at;
    std::size_t size;
    std::vector<char> storage;  // holds the snapshot
    char* snapshot;             // the segment's bytes after loading, within storage
  };
  ProgramImage() = default;

  void* handle_ = nullptr;
  MainFunction main_ = nullptr;
  std::vector<Segment> segments_;
};

}  // namespace weft::program
