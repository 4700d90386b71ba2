#include "shadow_memory.h"

#include <algorithm>
#include <cstring>

namespace weft::instrument {

namespace {
bool same_access(const checkers::Access& a, const checkers::Access& b) noexcept {
  return a.thread == b.thread && a.clock == b.clock && a.step == b.step;
}
}  // namespace

void ShadowMemory::reset() noexcept {
  pages_.clear();
  used_pages_ = 0;
  cached_ = nullptr;
  cells_.resize(1);
  free_cells_.clear();
}

void ShadowMemory::cache(std::uintptr_t page) {
  bool added = false;
  Page*& p = pages_.get(page, added);
  if (added) {
    if (used_pages_ == pool_.size()) pool_.push_back(std::make_unique<Page>());
    p = pool_[used_pages_++].get();
    std::memset(p->heads, 0, sizeof p->heads);
  }
  cached_page_ = page;
  cached_ = p;
}

ShadowMemory::Page* ShadowMemory::find_page(std::uintptr_t page) noexcept {
  Page** p = pages_.find(page);
  return p ? *p : nullptr;
}

std::uint32_t ShadowMemory::new_cell(unsigned offset, unsigned size) {
  std::uint32_t index;
  if (!free_cells_.empty()) {
    index = free_cells_.back();
    free_cells_.pop_back();
    cells_[index] = Cell{};
  } else {
    index = static_cast<std::uint32_t>(cells_.size());
    cells_.emplace_back();
  }
  cells_[index].offset = static_cast<std::uint8_t>(offset);
  cells_[index].size = static_cast<std::uint8_t>(size);
  return index;
}

void ShadowMemory::free_cell(std::uint32_t index) noexcept {
  cells_[index].var.reads.reset();
  free_cells_.push_back(index);
}

void ShadowMemory::copy_state(checkers::VarShadow& to, const checkers::VarShadow& from) {
  to.write = from.write;
  to.read = from.read;
  to.reads = from.reads ? std::make_unique<std::vector<checkers::Access>>(*from.reads) : nullptr;
}

unsigned ShadowMemory::prepare(std::uint32_t& head, unsigned lo, unsigned hi, std::uint32_t* inside) {
  // At most one cell per byte: split into a flat list, then link it again.
  std::uint32_t list[2 * kGranule];
  unsigned n = 0;
  for (std::uint32_t i = head; i != 0; i = cells_[i].next) {
    const unsigned a = cells_[i].offset;
    const unsigned b = a + cells_[i].size;
    if (a < lo && b > lo) {  // split at lo: [a, lo) stays as a copy
      const std::uint32_t left = new_cell(a, lo - a);
      copy_state(cells_[left].var, cells_[i].var);
      list[n++] = left;
      cells_[i].offset = static_cast<std::uint8_t>(lo);
      cells_[i].size = static_cast<std::uint8_t>(b - lo);
    }
    const unsigned a2 = cells_[i].offset;
    if (a2 < hi && b > hi) {  // split at hi: [hi, b) goes to a copy
      const std::uint32_t right = new_cell(hi, b - hi);
      copy_state(cells_[right].var, cells_[i].var);
      list[n++] = right;
      cells_[i].size = static_cast<std::uint8_t>(hi - a2);
    }
    list[n++] = i;
  }
  // Bytes of [lo, hi) no cell covers get cells of their own.
  bool covered[kGranule] = {};
  for (unsigned k = 0; k < n; ++k)
    for (unsigned b = cells_[list[k]].offset; b < cells_[list[k]].offset + cells_[list[k]].size; ++b) covered[b] = true;
  for (unsigned b = lo; b < hi;) {
    if (covered[b]) {
      ++b;
      continue;
    }
    unsigned e = b;
    while (e < hi && !covered[e]) ++e;
    list[n++] = new_cell(b, e - b);
    b = e;
  }
  std::sort(list, list + n, [this](std::uint32_t x, std::uint32_t y) { return cells_[x].offset < cells_[y].offset; });
  unsigned m = 0;
  for (unsigned k = 0; k < n; ++k) {
    cells_[list[k]].next = k + 1 < n ? list[k + 1] : 0;
    if (cells_[list[k]].offset >= lo && cells_[list[k]].offset < hi) inside[m++] = list[k];
  }
  head = n ? list[0] : 0;
  return m;
}

void ShadowMemory::merge(std::uint32_t head) noexcept {
  for (std::uint32_t i = head; i != 0;) {
    Cell& c = cells_[i];
    const std::uint32_t j = c.next;
    if (j == 0) return;
    Cell& d = cells_[j];
    if (c.offset + c.size == d.offset && !c.var.reads && !d.var.reads && same_access(c.var.write, d.var.write) &&
        same_access(c.var.read, d.var.read)) {
      c.size = static_cast<std::uint8_t>(c.size + d.size);
      c.next = d.next;
      free_cell(j);
      continue;  // c may merge with its new neighbour too
    }
    i = j;
  }
}

void ShadowMemory::forget(std::uintptr_t address, std::size_t size) noexcept {
  if (used_pages_ == 0 || size == 0) return;
  const std::uintptr_t end = address + size;
  for (std::uintptr_t page = address / kPage; page <= (end - 1) / kPage; ++page) {
    Page* p = find_page(page);
    if (!p) continue;
    const std::uintptr_t from = std::max(address, page * kPage);
    const std::uintptr_t to = std::min(end, (page + 1) * kPage);
    // Whole granules only: blocks the allocator hands out are granule
    // aligned, and a cell that straddles a block's end is not the block's.
    for (std::uintptr_t g = (from + kGranule - 1) / kGranule; g < to / kGranule; ++g) {
      std::uint32_t& head = p->heads[g % (kPage / kGranule)];
      for (std::uint32_t i = head; i != 0;) {
        const std::uint32_t next = cells_[i].next;
        free_cell(i);
        i = next;
      }
      head = 0;
    }
  }
}

}  // namespace weft::instrument
