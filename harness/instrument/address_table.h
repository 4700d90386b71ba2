#pragma once
// AddressTable<V>: a map from addresses (or any word-sized keys) to V, for
// the hooks of instrumented code, which look one up on every access. Open
// addressing with linear probing in one array; clear() is O(1) (it moves to
// a new stamp, and an entry stamped otherwise is empty), so a table is
// emptied before every execution without touching its memory. A value left
// in a stale entry is value-initialized again when its slot is reused.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft::instrument {

template <class V>
class AddressTable {
 public:
  AddressTable() { entries_.resize(kInitial); }

  // find is the value of `key`, or null.
  V* find(std::uintptr_t key) noexcept {
    const std::size_t mask = entries_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      Entry& e = entries_[i];
      if (e.stamp != stamp_) return nullptr;
      if (e.key == key) return &e.value;
    }
  }

  // get is the value of `key`, made (value-initialized) if there was none;
  // `added` says which.
  V& get(std::uintptr_t key, bool& added) {
    if (2 * (size_ + 1) > entries_.size()) grow();
    const std::size_t mask = entries_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      Entry& e = entries_[i];
      if (e.stamp != stamp_) {
        e.stamp = stamp_;
        e.key = key;
        e.value = V{};
        ++size_;
        added = true;
        return e.value;
      }
      if (e.key == key) {
        added = false;
        return e.value;
      }
    }
  }

  // clear empties the table, keeping its memory.
  void clear() noexcept {
    size_ = 0;
    if (++stamp_ == 0) {  // the stamp wrapped: no entry may look current
      for (Entry& e : entries_) e.stamp = 0;
      stamp_ = 1;
    }
  }

  std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::size_t kInitial = 256;
  struct Entry {
    std::uintptr_t key = 0;
    std::uint32_t stamp = 0;  // current while equal to the table's stamp_
    V value{};
  };

  static std::size_t hash(std::uintptr_t key) noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 17);
  }

  void grow() {
    std::vector<Entry> old(entries_.size() * 2);
    old.swap(entries_);
    const std::uint32_t live = stamp_;
    stamp_ = 1;
    size_ = 0;
    for (Entry& e : old) {
      if (e.stamp != live) continue;
      bool added = false;
      get(e.key, added) = static_cast<V&&>(e.value);
    }
  }

  std::vector<Entry> entries_;
  std::uint32_t stamp_ = 1;
  std::size_t size_ = 0;
};

}  // namespace weft::instrument
