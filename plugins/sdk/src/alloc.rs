//! The plugins' memory allocator: size-class free lists in front of the
//! system allocator.
//!
//! A plugin instance lives for one call (the host gives every call a fresh
//! store), and a call is mostly small, short-lived allocations: the lifted
//! syntax trees, names, the rule's own maps and vectors. std's allocator on
//! `wasm32-wasip2` is wasi-libc's dlmalloc, whose `free` coalesces
//! neighbours and keeps bins sorted; in profiles of the built-in rules it was
//! the largest single function of the guest (dlmalloc, dlfree and realloc
//! together 25 % of schema-drift's time on 2,000 migrations). Here a small
//! block is taken from, and returned to, a singly linked list per size class:
//! a few instructions each way, no headers (the `Layout` names the class on
//! `dealloc`), and blocks of a class are carved from 64 KiB chunks of the
//! system allocator. Large blocks (above [`MAX_SMALL`]) and over-aligned ones
//! go to the system allocator as before.
//!
//! The trade-off is memory: a freed block is reused only for its own class,
//! never returned or merged. Within one call that costs at most the peak of
//! each class summed over classes, which the host's per-call memory limit
//! bounds like any other use.
//!
//! WebAssembly plugins here are single-threaded (no shared memory, no
//! threads in `wasm32-wasip2`), so the lists need no locking; the allocator
//! is installed only in wasm builds (see the crate root).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr::{self, NonNull};

/// Largest request served from the size classes.
const MAX_SMALL: usize = 32 * 1024;
/// Every class size is a multiple of this, and so is every chunk's start:
/// blocks are aligned to it.
const GRANULE: usize = 16;
/// What the system allocator is asked for when a class runs dry.
const CHUNK: usize = 64 * 1024;
/// Classes up to 256 bytes are 16 bytes apart; above, four per doubling.
const LINEAR_LIMIT: usize = 256;
const LINEAR_CLASSES: usize = LINEAR_LIMIT / GRANULE;
/// Doublings from 256 B to [`MAX_SMALL`] (2^8 → 2^15), four classes each.
const CLASSES: usize = LINEAR_CLASSES + 4 * 7;

/// The class index of a request of `size` bytes (`1..=MAX_SMALL`).
#[inline]
fn class_of(size: usize) -> usize {
    if size <= LINEAR_LIMIT {
        return size.max(1).div_ceil(GRANULE) - 1;
    }
    // size in (2^k, 2^(k+1)] with k ≥ 8: four steps of 2^(k-2).
    let k = (usize::BITS - 1 - (size - 1).leading_zeros()) as usize;
    let step = 1usize << (k - 2);
    let sub = (size - 1 - (1 << k)) / step;
    LINEAR_CLASSES + (k - 8) * 4 + sub
}

/// The block size of class `class`.
#[inline]
fn class_size(class: usize) -> usize {
    if class < LINEAR_CLASSES {
        return (class + 1) * GRANULE;
    }
    let k = (class - LINEAR_CLASSES) / 4 + 8;
    let sub = (class - LINEAR_CLASSES) % 4;
    (1 << k) + (sub + 1) * (1 << (k - 2))
}

struct State {
    /// Head of each class's free list; a free block's first word links to
    /// the next.
    free: [*mut u8; CLASSES],
    /// The unused tail of the current chunk.
    bump: *mut u8,
    bump_end: *mut u8,
}

/// The allocator; see the module documentation.
pub struct SizeClasses {
    state: UnsafeCell<State>,
}

// SAFETY: wasm32-wasip2 plugins have one thread; the allocator is only
// installed there (see the crate root).
#[allow(unsafe_code)]
unsafe impl Sync for SizeClasses {}

impl std::fmt::Debug for SizeClasses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SizeClasses").finish_non_exhaustive()
    }
}

impl SizeClasses {
    pub const fn new() -> Self {
        Self {
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                bump: ptr::null_mut(),
                bump_end: ptr::null_mut(),
            }),
        }
    }
}

impl Default for SizeClasses {
    fn default() -> Self {
        Self::new()
    }
}

#[inline]
fn is_small(layout: Layout) -> bool {
    layout.size() <= MAX_SMALL && layout.align() <= GRANULE
}

#[allow(unsafe_code)]
impl State {
    /// A block of class `class`, from its list or carved from a chunk.
    #[inline]
    unsafe fn take(&mut self, class: usize) -> *mut u8 {
        let head = self.free[class];
        if !head.is_null() {
            // SAFETY: a listed block is at least GRANULE bytes, aligned, and
            // its first word was written by `give`.
            self.free[class] = unsafe { head.cast::<*mut u8>().read() };
            return head;
        }
        let size = class_size(class);
        if (self.bump_end as usize) - (self.bump as usize) < size {
            // The old chunk's tail (smaller than this block) is dropped:
            // at most one block's worth per refill.
            // SAFETY: CHUNK and GRANULE make a valid, non-zero layout.
            let chunk = unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, GRANULE)) };
            let Some(chunk) = NonNull::new(chunk) else {
                return ptr::null_mut();
            };
            self.bump = chunk.as_ptr();
            // SAFETY: within (one past the end of) the chunk.
            self.bump_end = unsafe { self.bump.add(CHUNK) };
        }
        let block = self.bump;
        // SAFETY: `size` bytes remain in the chunk (checked above).
        self.bump = unsafe { self.bump.add(size) };
        block
    }

    /// Returns a block to its class's list.
    #[inline]
    unsafe fn give(&mut self, block: *mut u8, class: usize) {
        // SAFETY: the block was allocated with this class, so it is at least
        // GRANULE bytes and aligned for a pointer.
        unsafe { block.cast::<*mut u8>().write(self.free[class]) };
        self.free[class] = block;
    }
}

#[allow(unsafe_code)]
// SAFETY: small blocks are disjoint pieces of system-allocated chunks that
// are never freed; each is handed out at most once until it is given back,
// and is at least as large and as aligned as its layout asks (class sizes
// are multiples of GRANULE, chunks are GRANULE-aligned).
unsafe impl GlobalAlloc for SizeClasses {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !is_small(layout) {
            // SAFETY: forwarded unchanged.
            return unsafe { System.alloc(layout) };
        }
        // SAFETY: single-threaded (see `Sync`); no other borrow is live.
        unsafe { (*self.state.get()).take(class_of(layout.size())) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !is_small(layout) {
            // SAFETY: it came from `System.alloc` with this layout.
            return unsafe { System.dealloc(ptr, layout) };
        }
        // SAFETY: single-threaded; the block came from `take` for this class.
        unsafe { (*self.state.get()).give(ptr, class_of(layout.size())) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let small = is_small(layout);
        // SAFETY: `realloc`'s contract: the new layout is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new_small = is_small(new_layout);
        if !small && !new_small {
            // SAFETY: both sides belong to the system allocator.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        if small && new_small && class_of(layout.size()) == class_of(new_size) {
            return ptr;
        }
        // SAFETY: as `alloc`, `dealloc`; the copy is within both blocks.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_fits_its_class_and_classes_grow() {
        let mut last = 0;
        for size in 1..=MAX_SMALL {
            let class = class_of(size);
            assert!(class < CLASSES, "size {size} → class {class}");
            let block = class_size(class);
            assert!(
                block >= size && block.is_multiple_of(GRANULE),
                "size {size} → {block}"
            );
            // The next smaller class would not fit: no class is skipped.
            if class > 0 {
                assert!(class_size(class - 1) < size, "size {size} in class {class}");
            }
            assert!(class >= last);
            last = class;
        }
        assert_eq!(class_of(MAX_SMALL), CLASSES - 1);
        assert_eq!(class_size(CLASSES - 1), MAX_SMALL);
    }

    #[test]
    #[allow(unsafe_code)]
    fn blocks_are_reused_per_class_and_keep_their_contents_on_realloc() {
        let a = SizeClasses::new();
        unsafe {
            let small = Layout::from_size_align(24, 8).unwrap();
            let p = a.alloc(small);
            p.write_bytes(7, 24);
            a.dealloc(p, small);
            // Same class: the freed block comes back.
            let q = a.alloc(Layout::from_size_align(30, 4).unwrap());
            assert_eq!(p, q);
            q.write_bytes(9, 30);
            // Growing within the class keeps the pointer.
            let r = a.realloc(q, Layout::from_size_align(30, 4).unwrap(), 32);
            assert_eq!(r, q);
            // Growing past it moves the contents to a larger class, then to
            // the system allocator.
            let s = a.realloc(r, Layout::from_size_align(32, 4).unwrap(), 1000);
            assert_ne!(s, r);
            assert!((0..30).all(|i| *s.add(i) == 9));
            let t = a.realloc(s, Layout::from_size_align(1000, 4).unwrap(), MAX_SMALL + 1);
            assert!((0..30).all(|i| *t.add(i) == 9));
            assert!((t as usize).is_multiple_of(GRANULE));
            a.dealloc(t, Layout::from_size_align(MAX_SMALL + 1, 4).unwrap());
        }
    }
}
