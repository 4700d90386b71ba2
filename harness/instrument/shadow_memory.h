#pragma once
// ShadowMemory: what the race detector knows of the plain memory that
// instrumented code touched in the running execution, byte for byte.
//
// Memory is seen in granules of 8 aligned bytes. A granule keeps a short
// list of cells, each a run of its bytes that were accessed as one unit
// (an int at offset 4: bytes 4 to 7) with that run's FastTrack state
// (checkers::VarShadow). A program that always accesses a location with
// the same size and alignment (the common case) has one cell per location,
// found with one look-up. An access that covers part of a cell, or several
// cells (a 64-bit write over two ints, a memset over a struct), splits the
// cells at its bounds, so every cell lies wholly inside or outside it, and
// checks and updates each cell inside: a 64-bit write at p races with an
// 8-bit read at p+3, while two threads that write the two halves of a
// granule do not. Cells that an access leaves in the same state merge back
// into one.
//
// Granules live in pages of 4 KiB of memory, found through an
// AddressTable; pages and cells are reused from one execution to the next.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "address_table.h"
#include "checkers/race_detector.h"

namespace weft::instrument {

class ShadowMemory {
 public:
  static constexpr std::size_t kGranule = 8;
  static constexpr std::size_t kPage = 4096;

  // reset forgets everything: a new execution begins.
  void reset() noexcept;

  // visit calls check(checkers::VarShadow&) on the state of every cell of
  // [address, address + size), made as the access needs them (size > 0).
  template <class Check>
  void visit(std::uintptr_t address, std::size_t size, Check&& check) {
    const std::uintptr_t end = address + size;
    while (address < end) {
      const std::uintptr_t granule_end = (address | (kGranule - 1)) + 1;
      const std::uintptr_t piece_end = granule_end < end ? granule_end : end;
      const auto lo = static_cast<unsigned>(address & (kGranule - 1));
      const auto hi = static_cast<unsigned>(lo + (piece_end - address));
      std::uint32_t& head = granule(address);
      Cell* c = head ? &cells_[head] : nullptr;
      if (c && c->next == 0 && c->offset == lo && c->size == hi - lo) [[likely]] {
        check(c->var);
      } else {
        std::uint32_t inside[kGranule];
        const unsigned n = prepare(head, lo, hi, inside);
        for (unsigned i = 0; i < n; ++i) check(cells_[inside[i]].var);
        merge(head);
      }
      address = piece_end;
    }
  }

  // forget drops what is known of [address, address + size): the memory
  // was freed, and whoever gets it next starts afresh.
  void forget(std::uintptr_t address, std::size_t size) noexcept;

  // pages is how many pages of memory have state in this execution.
  std::size_t pages() const noexcept { return used_pages_; }

 private:
  struct Cell {
    std::uint32_t next = 0;  // the granule's next cell by offset; 0: none
    std::uint8_t offset = 0;
    std::uint8_t size = 0;
    checkers::VarShadow var;
  };
  struct Page {
    std::uint32_t heads[kPage / kGranule];  // each granule's first cell; 0: none
  };

  // granule is the head of the cell list of the granule holding `address`.
  std::uint32_t& granule(std::uintptr_t address) {
    const std::uintptr_t page = address / kPage;
    if (page != cached_page_ || !cached_) cache(page);
    return cached_->heads[(address % kPage) / kGranule];
  }
  void cache(std::uintptr_t page);
  Page* find_page(std::uintptr_t page) noexcept;
  // prepare splits the cells of a granule at lo and hi, adds cells for the
  // bytes of [lo, hi) no cell covers, and puts the cells inside [lo, hi)
  // into `inside` by offset; returns how many.
  unsigned prepare(std::uint32_t& head, unsigned lo, unsigned hi, std::uint32_t* inside);
  // merge joins neighbouring cells of a granule whose states are the same.
  void merge(std::uint32_t head) noexcept;
  std::uint32_t new_cell(unsigned offset, unsigned size);
  void free_cell(std::uint32_t index) noexcept;
  void copy_state(checkers::VarShadow& to, const checkers::VarShadow& from);

  AddressTable<Page*> pages_;
  std::vector<std::unique_ptr<Page>> pool_;  // [0, used_pages_) hold this execution's pages
  std::size_t used_pages_ = 0;
  std::uintptr_t cached_page_ = 0;
  Page* cached_ = nullptr;
  std::vector<Cell> cells_ = std::vector<Cell>(1);  // cells_[0] is unused: index 0 means none
  std::vector<std::uint32_t> free_cells_;
};

}  // namespace weft::instrument
