#pragma once
// Arena: per-execution storage for the state of primitives. Everything made
// in it lives until reset(), which runs destructors newest first and keeps
// the memory for the next execution, so steady-state executions allocate
// nothing here.

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace weft::sched {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() { reset(); }

  template <class T, class... Args>
  T* make(Args&&... args) {
    void* where = allocate(sizeof(T), alignof(T));
    T* object = new (where) T(std::forward<Args>(args)...);
    if constexpr (!std::is_trivially_destructible_v<T>) {
      destructors_.push_back({object, [](void* p) { static_cast<T*>(p)->~T(); }});
    }
    return object;
  }

  void reset() noexcept {
    for (auto it = destructors_.rbegin(); it != destructors_.rend(); ++it) it->destroy(it->object);
    destructors_.clear();
    chunk_ = 0;
    used_ = 0;
  }

 private:
  static constexpr std::size_t kChunk = 16 * 1024;

  void* allocate(std::size_t size, std::size_t align) {
    for (;;) {
      if (chunk_ < chunks_.size()) {
        std::size_t start = (used_ + align - 1) & ~(align - 1);
        if (start + size <= chunks_[chunk_].size) {
          used_ = start + size;
          return chunks_[chunk_].bytes.get() + start;
        }
        ++chunk_;
        used_ = 0;
        continue;
      }
      std::size_t bytes = size + align > kChunk ? size + align : kChunk;
      chunks_.push_back({std::unique_ptr<std::byte[]>(new std::byte[bytes]), bytes});  // not zeroed
    }
  }

  struct Chunk {
    std::unique_ptr<std::byte[]> bytes;
    std::size_t size;
  };
  struct Destructor {
    void* object;
    void (*destroy)(void*);
  };
  std::vector<Chunk> chunks_;
  std::size_t chunk_ = 0;  // chunk being filled
  std::size_t used_ = 0;   // bytes used in it
  std::vector<Destructor> destructors_;
};

}  // namespace weft::sched
