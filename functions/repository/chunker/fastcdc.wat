;; FastCDC-2020 cut-point search, a port of fastcdc-rs `v2020::cut_gear` (see
;; research/repository-format.md section 3 and fixtures/fastcdc/VECTORS.md).
;;
;; Why WebAssembly: the gear hash is 64-bit wrapping arithmetic. BigInt in JS is far too slow and
;; splitting the hash into two uint32 halves tops out near 200 MiB/s; native i64 here runs at
;; several GiB/s.
;;
;; Linear memory layout (fastcdc.ts owns everything past the tables):
;;   [0, 2048)     GEAR[256]     u64 little-endian
;;   [2048, 4096)  GEAR_LS[256]  GEAR[i] << 1, precomputed so that the even byte costs one add
;;   [4096, ...)   data buffer
;;
;; Rebuild the binary with `node scripts/build-wasm.js`.
(module
  (import "env" "memory" (memory 1))

  ;; Hash at the last cut, and the running hash carried from the small-chunk scan to the
  ;; large-chunk scan. A global keeps `cut` to a plain number return; JS reads it only per chunk.
  (global $hash (export "hash") (mut i64) (i64.const 0))

  ;; Fixed per chunker, so set once instead of passed on every call.
  (global $min (mut i32) (i32.const 0))
  (global $avg (mut i32) (i32.const 0))
  (global $max (mut i32) (i32.const 0))
  (global $mask_s (mut i64) (i64.const 0))
  (global $mask_l (mut i64) (i64.const 0))

  (func (export "configure")
    (param $min i32) (param $avg i32) (param $max i32) (param $mask_s i64) (param $mask_l i64)
    (global.set $min (local.get $min))
    (global.set $avg (local.get $avg))
    (global.set $max (local.get $max))
    (global.set $mask_s (local.get $mask_s))
    (global.set $mask_l (local.get $mask_l)))

  ;; Rolls the hash two bytes per step over the pairs starting at p (p and end are even distances
  ;; from the chunk start). Returns the offset of the byte that triggered a cut, or end if none did.
  (func $scan (param $p i32) (param $end i32) (param $m i64) (result i32)
    (local $h i64)
    (local $m_ls i64)
    (local.set $h (global.get $hash))
    (local.set $m_ls (i64.shl (local.get $m) (i64.const 1)))
    ;; Eight pairs per iteration: measured about 35% faster than one pair per iteration under V8,
    ;; by spending less of the loop on the counter and branch.
    (block $unrolled_done
      (loop $unrolled
        (br_if $unrolled_done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        ;; bytes p+0 (shifted table) and p+1
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (local.get $p))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 1)))))
        ;; bytes p+2 (shifted table) and p+3
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 2)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=3 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 3)))))
        ;; bytes p+4 (shifted table) and p+5
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=4 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 4)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=5 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 5)))))
        ;; bytes p+6 (shifted table) and p+7
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=6 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 6)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=7 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 7)))))
        ;; bytes p+8 (shifted table) and p+9
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=8 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 8)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=9 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 9)))))
        ;; bytes p+10 (shifted table) and p+11
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=10 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 10)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=11 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 11)))))
        ;; bytes p+12 (shifted table) and p+13
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=12 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 12)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=13 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 13)))))
        ;; bytes p+14 (shifted table) and p+15
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u offset=14 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 14)))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=15 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 15)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $unrolled)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; bytes p+0 (shifted table) and p+1
        (local.set $h
          (i64.add
            (i64.shl (local.get $h) (i64.const 2))
            (i64.load offset=2048 (i32.shl (i32.load8_u (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m_ls)))
          (then (global.set $hash (local.get $h)) (return (local.get $p))))
        (local.set $h
          (i64.add
            (local.get $h)
            (i64.load (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 3)))))
        (if (i64.eqz (i64.and (local.get $h) (local.get $m)))
          (then (global.set $hash (local.get $h)) (return (i32.add (local.get $p) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $pairs)))
    (global.set $hash (local.get $h))
    (local.get $end))

  ;; Length of the first chunk of the len bytes at src. The byte that triggered the cut belongs to
  ;; the next chunk. Leaves the gear hash at the cut in $hash.
  (func (export "cut") (param $src i32) (param $len i32) (result i32)
    (local $center i32)
    (local $p i32)
    (local $end i32)
    (global.set $hash (i64.const 0))
    (if (i32.le_u (local.get $len) (global.get $min))
      (then (return (local.get $len))))
    (local.set $center (global.get $avg))
    (if (i32.gt_u (local.get $len) (global.get $max))
      (then (local.set $len (global.get $max)))
      (else
        (if (i32.lt_u (local.get $len) (local.get $center))
          (then (local.set $center (local.get $len))))))
    ;; The reference loops `i` over pairs `while i < floor(x/2)` with a = 2i, starting at floor(min/2).
    ;; Rounding min, center and len down to even offsets reproduces those limits exactly; they
    ;; differ from a byte-at-a-time loop when a bound is odd.
    ;; Small-chunk phase: the stricter mask up to the centre.
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $center) (i32.const -2))))
    (local.set $p
      (call $scan
        (i32.add (local.get $src) (i32.and (global.get $min) (i32.const -2)))
        (local.get $end)
        (global.get $mask_s)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (return (i32.sub (local.get $p) (local.get $src)))))
    ;; Large-chunk phase: the looser mask from where the first phase stopped up to len.
    (local.set $end (i32.add (local.get $src) (i32.and (local.get $len) (i32.const -2))))
    (local.set $p (call $scan (local.get $p) (local.get $end) (global.get $mask_l)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (return (i32.sub (local.get $p) (local.get $src)))))
    ;; No cut point: the chunk is the whole (clamped) length, and like the reference $hash keeps the
    ;; last hash computed (all-zero input ends here).
    (local.get $len)))

