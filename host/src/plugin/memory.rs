//! Plugin linear memories, recycled from call to call instead of mapped
//! afresh.
//!
//! Every call runs in a fresh instance, so that nothing a rule computes
//! survives into another call (the output cannot depend on which thread ran
//! which chunk). With wasmtime's default allocator a fresh instance is a
//! fresh 4 GiB reservation: every page the call touches faults in and is
//! zeroed by the kernel, and mapping and unmapping the reservation takes the
//! address-space lock that the other threads' page faults wait on. On 2,000
//! small migrations that was a fifth of the rules phase
//! (bench/NOTEBOOK.md, "Profile and fixes").
//!
//! A memory handed back keeps its mapping: its accessible bytes are zeroed
//! in place (memset, so the pages stay resident; pages the call never
//! touched are left unfaulted) and it waits in a small
//! pool. The next instance gets it cut back to its own minimum size with
//! `mprotect`, so it sees exactly what a fresh mapping shows (zero bytes,
//! then the data segments wasmtime copies in: copy-on-write images need
//! wasmtime's own mappings, so `memory_init_cow` is off), and accesses past
//! its size trap on the same inaccessible pages as before. Memories larger
//! than [`KEEP_RESIDENT`] are unmapped instead: zeroing them would cost
//! more than the faults it saves, and the pool must not hold on to a
//! hostile plugin's gigabytes.

use std::ptr::NonNull;
use std::sync::Mutex;

use rustix::mm::{MapFlags, MprotectFlags, ProtFlags};
use wasmtime::{LinearMemory, MemoryCreator, MemoryType};

/// Largest accessible size a memory may have to be recycled. Zeroing is
/// cheaper per page than a fault, but not free: a call's memory is
/// typically 1–10 MiB.
pub const KEEP_RESIDENT: usize = 32 << 20;

/// Most memories kept idle: enough for every worker thread's instance (a
/// call has one memory), few enough that the pool's resident pages stay
/// small next to the peak-memory target (at most 8 × 32 MiB, and in
/// practice what the largest recent calls touched).
const MAX_IDLE: usize = 8;

/// One reservation: `reservation` bytes that wasm may grow into, then
/// `guard` bytes that are never accessible (JIT code elides bounds checks
/// against them). `accessible` is the readable and writable prefix, a
/// multiple of the host page size.
#[derive(Debug)]
struct Slot {
    base: NonNull<u8>,
    reservation: usize,
    guard: usize,
    accessible: usize,
}

// SAFETY: a slot is a plain address range; exactly one owner (the pool or
// one linear memory) uses it at a time.
#[allow(unsafe_code)]
unsafe impl Send for Slot {}

impl Slot {
    fn map(reservation: usize, guard: usize) -> std::io::Result<Slot> {
        let len = reservation
            .checked_add(guard)
            .ok_or_else(|| std::io::Error::other("reservation overflows"))?;
        // SAFETY: a new anonymous mapping at an address of the kernel's
        // choosing aliases nothing.
        #[allow(unsafe_code)]
        let ptr = unsafe {
            rustix::mm::mmap_anonymous(
                std::ptr::null_mut(),
                len,
                ProtFlags::empty(),
                MapFlags::PRIVATE | MapFlags::NORESERVE,
            )?
        };
        Ok(Slot {
            base: NonNull::new(ptr.cast()).ok_or_else(|| std::io::Error::other("null mapping"))?,
            reservation,
            guard,
            accessible: 0,
        })
    }

    /// Makes exactly the first `len` bytes (rounded up to pages) accessible.
    fn set_accessible(&mut self, len: usize) -> std::io::Result<()> {
        let len = round_up_to_page(len);
        if len > self.reservation {
            return Err(std::io::Error::other("past the reservation"));
        }
        let (from, to, flags) = if len > self.accessible {
            (
                self.accessible,
                len,
                MprotectFlags::READ | MprotectFlags::WRITE,
            )
        } else if len < self.accessible {
            (len, self.accessible, MprotectFlags::empty())
        } else {
            return Ok(());
        };
        // SAFETY: the range lies inside this slot's mapping, which nothing
        // else references while this slot is owned here.
        #[allow(unsafe_code)]
        unsafe {
            rustix::mm::mprotect(self.base.as_ptr().add(from).cast(), to - from, flags)?;
        }
        self.accessible = len;
        Ok(())
    }

    /// Zeroes the accessible bytes. Resident pages are zeroed in place
    /// (memset, so they stay resident for the next call); pages the call
    /// never touched are not resident, and writing zeros would fault each of
    /// them in just to clear it: most of a fresh instance's memory is the
    /// 1 MiB stack region a rule barely uses, and that zeroing was ~0.5 ms
    /// of the first plugin call of every run. Those runs are dropped with
    /// `MADV_DONTNEED` instead, which also covers a page that is not
    /// resident because it was swapped out: it reads as zero afterwards.
    fn zero(&mut self) {
        let base = self.base.as_ptr();
        let page = rustix::param::page_size();
        let pages = self.accessible / page;
        let mut resident = vec![0u8; pages];
        // SAFETY: the accessible prefix is mapped, and `resident` has one
        // byte per page of it.
        #[allow(unsafe_code)]
        let known = pages > 0
            && unsafe { libc::mincore(base.cast(), self.accessible, resident.as_mut_ptr()) } == 0;
        if !known {
            resident.fill(1);
        }
        let mut i = 0;
        while i < pages {
            let start = i;
            let touched = resident[i] & 1 != 0;
            while i < pages && (resident[i] & 1 != 0) == touched {
                i += 1;
            }
            // SAFETY: the run is inside the accessible prefix, mapped
            // readable and writable, and the instance that used it is gone
            // (this runs when wasmtime drops the memory).
            #[allow(unsafe_code)]
            unsafe {
                let at = base.add(start * page);
                let len = (i - start) * page;
                let dropped = !touched
                    && rustix::mm::madvise(at.cast(), len, rustix::mm::Advice::LinuxDontNeed)
                        .is_ok();
                if !dropped {
                    std::ptr::write_bytes(at, 0, len);
                }
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // SAFETY: the whole mapping is this slot's, and nothing references
        // it any more. A failure leaves the range mapped (leaked), which is
        // harmless.
        #[allow(unsafe_code)]
        unsafe {
            let _ = rustix::mm::munmap(self.base.as_ptr().cast(), self.reservation + self.guard);
        }
    }
}

fn round_up_to_page(len: usize) -> usize {
    let page = rustix::param::page_size();
    len.div_ceil(page) * page
}

/// The memory creator handed to wasmtime (`Config::with_host_memory`).
#[derive(Debug, Default)]
pub struct Pool {
    idle: Mutex<Vec<Slot>>,
}

impl Pool {
    fn take(&self, reservation: usize, guard: usize) -> std::io::Result<Slot> {
        let recycled = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.iter()
                .rposition(|s| s.reservation == reservation && s.guard == guard)
                .map(|i| idle.swap_remove(i))
        };
        match recycled {
            Some(slot) => Ok(slot),
            None => Slot::map(reservation, guard),
        }
    }

    fn give_back(&self, mut slot: Slot) {
        let idle = || self.idle.lock().unwrap_or_else(|e| e.into_inner());
        // Zeroing is the expensive part: not for a slot that would be
        // unmapped anyway, and not under the lock.
        if slot.accessible > KEEP_RESIDENT || idle().len() >= MAX_IDLE {
            return; // dropped: unmapped
        }
        slot.zero();
        let mut idle = idle();
        if idle.len() < MAX_IDLE {
            idle.push(slot);
        }
    }
}

/// The pool is shared by every memory it created, which give their slot
/// back when dropped.
#[derive(Debug, Clone, Default)]
pub struct Creator(std::sync::Arc<Pool>);

// SAFETY: memories are zero-filled when created (fresh mappings are, and
// recycled ones were zeroed when given back), never move (`byte_capacity`
// is the whole reservation), and keep `guard` inaccessible bytes after the
// reservation, as `new_memory`'s contract asks.
#[allow(unsafe_code)]
unsafe impl MemoryCreator for Creator {
    fn new_memory(
        &self,
        _ty: MemoryType,
        minimum: usize,
        _maximum: Option<usize>,
        reserved_size_in_bytes: Option<usize>,
        guard_size_in_bytes: usize,
    ) -> Result<Box<dyn LinearMemory>, String> {
        // wasmtime always states the reservation for instance memories; the
        // maximum is enforced by the store's limiter before `grow_to`.
        let reservation = reserved_size_in_bytes
            .ok_or_else(|| "linear memory without a reservation".to_owned())?;
        let mut slot = self
            .0
            .take(reservation, guard_size_in_bytes)
            .map_err(|e| format!("cannot map a linear memory: {e}"))?;
        slot.set_accessible(minimum)
            .map_err(|e| format!("cannot map a linear memory: {e}"))?;
        Ok(Box::new(Memory {
            slot: Some(slot),
            size: minimum,
            pool: self.0.clone(),
        }))
    }
}

/// One instance's memory: a slot on loan from the pool.
#[derive(Debug)]
struct Memory {
    /// `Some` until dropped.
    slot: Option<Slot>,
    /// The size wasm sees, in bytes.
    size: usize,
    pool: std::sync::Arc<Pool>,
}

impl Memory {
    fn slot(&self) -> &Slot {
        self.slot.as_ref().expect("slot present until drop")
    }
}

// SAFETY: the slot's range is owned by this memory; wasmtime synchronises
// the instance's accesses to it.
#[allow(unsafe_code)]
unsafe impl Sync for Memory {}

// SAFETY: `as_ptr` is stable for the memory's life and `byte_size` bytes
// from it are accessible; `grow_to` never moves it.
#[allow(unsafe_code)]
unsafe impl LinearMemory for Memory {
    fn byte_size(&self) -> usize {
        self.size
    }

    fn byte_capacity(&self) -> usize {
        self.slot().reservation
    }

    fn grow_to(&mut self, new_size: usize) -> wasmtime::Result<()> {
        let slot = self.slot.as_mut().expect("slot present until drop");
        slot.set_accessible(new_size)
            .map_err(|e| wasmtime::Error::msg(format!("cannot grow a linear memory: {e}")))?;
        self.size = new_size;
        Ok(())
    }

    fn as_ptr(&self) -> *mut u8 {
        self.slot().base.as_ptr()
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.pool.give_back(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: usize = 1 << 30;

    fn memory(creator: &Creator, minimum: usize) -> Box<dyn LinearMemory> {
        let ty = MemoryType::new(0, None);
        creator
            .new_memory(ty, minimum, None, Some(4 * GIB), 32 << 20)
            .unwrap()
    }

    #[test]
    fn a_recycled_memory_is_zeroed_and_cut_back_to_its_new_minimum() {
        let creator = Creator::default();
        let mut first = memory(&creator, 64 << 10);
        first.grow_to(4 << 20).unwrap();
        let base = first.as_ptr();
        // SAFETY: 4 MiB are accessible.
        #[allow(unsafe_code)]
        unsafe {
            std::ptr::write_bytes(base, 0xAB, 4 << 20);
        }
        drop(first);

        let second = memory(&creator, 128 << 10);
        assert_eq!(second.as_ptr(), base, "the slot was recycled");
        assert_eq!(second.byte_size(), 128 << 10);
        assert_eq!(creator.0.idle.lock().unwrap().len(), 0);
        // SAFETY: 128 KiB are accessible.
        #[allow(unsafe_code)]
        let bytes = unsafe { std::slice::from_raw_parts(second.as_ptr(), 128 << 10) };
        assert!(bytes.iter().all(|&b| b == 0), "residue from the last call");
        // Past the minimum the slot is inaccessible again: touching it here
        // would kill the test process, so the sandbox-probe plugin checks
        // that wasm's out-of-bounds accesses still trap.
    }

    /// Zeroing writes only the pages a call touched: the rest stay
    /// unfaulted (no memory spent on them) and still read as zero.
    #[test]
    fn zeroing_leaves_untouched_pages_unfaulted() {
        let creator = Creator::default();
        let page = rustix::param::page_size();
        let mut first = memory(&creator, 64 << 10);
        first.grow_to(4 << 20).unwrap();
        let base = first.as_ptr();
        let touched = [0, 5, 6, 700, 1023];
        // SAFETY: 4 MiB are accessible.
        #[allow(unsafe_code)]
        unsafe {
            for p in touched {
                base.add(p * page).write(0xCD);
            }
        }
        drop(first);

        let mut second = memory(&creator, 64 << 10);
        second.grow_to(4 << 20).unwrap();
        assert_eq!(second.as_ptr(), base, "the slot was recycled");
        let len = 4 << 20;
        let mut resident = vec![0u8; len / page];
        // SAFETY: 4 MiB are mapped; one byte per page.
        #[allow(unsafe_code)]
        let rc = unsafe { libc::mincore(base.cast(), len, resident.as_mut_ptr()) };
        assert_eq!(rc, 0);
        let faulted = resident.iter().filter(|&&r| r & 1 != 0).count();
        // Where every anonymous mapping gets transparent huge pages, a touch
        // faults 2 MiB and all of it counts as touched.
        let thp_always = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .is_ok_and(|mode| mode.contains("[always]"));
        assert!(
            thp_always || faulted <= touched.len(),
            "{faulted} pages resident"
        );
        // SAFETY: 4 MiB are accessible.
        #[allow(unsafe_code)]
        let bytes = unsafe { std::slice::from_raw_parts(base, len) };
        assert!(bytes.iter().all(|&b| b == 0), "residue from the last call");
    }

    #[test]
    fn large_memories_are_unmapped_not_kept() {
        let creator = Creator::default();
        let mut big = memory(&creator, 64 << 10);
        big.grow_to(KEEP_RESIDENT + (64 << 10)).unwrap();
        drop(big);
        assert_eq!(creator.0.idle.lock().unwrap().len(), 0);
        let small = memory(&creator, 64 << 10);
        drop(small);
        assert_eq!(creator.0.idle.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_pool_keeps_at_most_max_idle_memories() {
        let creator = Creator::default();
        let held: Vec<_> = (0..MAX_IDLE + 2)
            .map(|_| memory(&creator, 64 << 10))
            .collect();
        drop(held);
        assert_eq!(creator.0.idle.lock().unwrap().len(), MAX_IDLE);
    }

    #[test]
    fn growth_past_the_reservation_fails() {
        let creator = Creator::default();
        let ty = MemoryType::new(0, None);
        let mut m = creator
            .new_memory(ty, 0, None, Some(1 << 20), 64 << 10)
            .unwrap();
        assert!(m.grow_to(2 << 20).is_err());
        assert!(m.grow_to(1 << 20).is_ok());
        assert_eq!(m.byte_capacity(), 1 << 20);
    }
}
