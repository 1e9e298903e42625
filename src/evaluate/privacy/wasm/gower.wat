;; Nearest-neighbour Gower distances with 128-bit SIMD (source of gowerWasm.ts; rebuild with
;; `node src/evaluate/privacy/wasm/build.mjs`, needs Debian's wabt).
;; Values are pre-scaled so that the per-column Gower term is min(1, |q - r|) for every kind.
;; Memory layout (byte offsets given by the caller):
;;   queries: nq x C v128, each value splatted to 4 lanes
;;   refs:    ns superblocks x C x 4 v128: 16 reference rows per superblock (row = 4*k + lane)
;;   rowMin:  nq f32 (out)      colMin: ns x 4 v128 (in/out, running minimum per reference row)
;; Four independent accumulators per column step keep the adds off one dependency chain.
(module
  (memory (export "memory") 1)
  (func (export "nearest")
    (param $q i32) (param $nq i32) (param $r i32) (param $ns i32) (param $C i32)
    (param $rowMin i32) (param $colMin i32)
    (local $i i32) (local $b i32) (local $c i32) (local $qp i32) (local $rp i32) (local $cp i32)
    (local $qbase i32) (local $stride i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $qv v128) (local $best v128) (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $stride (i32.shl (local.get $C) (i32.const 4)))
    (local.set $i (i32.const 0))
    (block $qdone
      (loop $qloop
        (br_if $qdone (i32.ge_u (local.get $i) (local.get $nq)))
        (local.set $qbase (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $stride))))
        (local.set $best (f32x4.splat (f32.const 3.0e38)))
        (local.set $rp (local.get $r))
        (local.set $cp (local.get $colMin))
        (local.set $b (i32.const 0))
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.ge_u (local.get $b) (local.get $ns)))
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $a1 (v128.const f32x4 0 0 0 0))
            (local.set $a2 (v128.const f32x4 0 0 0 0))
            (local.set $a3 (v128.const f32x4 0 0 0 0))
            (local.set $qp (local.get $qbase))
            (local.set $c (i32.const 0))
            (block $cdone
              (loop $cloop
                (br_if $cdone (i32.ge_u (local.get $c) (local.get $C)))
                (local.set $qv (v128.load (local.get $qp)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.min (local.get $one)
                  (f32x4.abs (f32x4.sub (v128.load offset=0 (local.get $rp)) (local.get $qv))))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.min (local.get $one)
                  (f32x4.abs (f32x4.sub (v128.load offset=16 (local.get $rp)) (local.get $qv))))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.min (local.get $one)
                  (f32x4.abs (f32x4.sub (v128.load offset=32 (local.get $rp)) (local.get $qv))))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.min (local.get $one)
                  (f32x4.abs (f32x4.sub (v128.load offset=48 (local.get $rp)) (local.get $qv))))))
                (local.set $rp (i32.add (local.get $rp) (i32.const 64)))
                (local.set $qp (i32.add (local.get $qp) (i32.const 16)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cloop)))
            (local.set $best (f32x4.min (local.get $best)
              (f32x4.min (f32x4.min (local.get $a0) (local.get $a1)) (f32x4.min (local.get $a2) (local.get $a3)))))
            (v128.store offset=0 (local.get $cp) (f32x4.min (v128.load offset=0 (local.get $cp)) (local.get $a0)))
            (v128.store offset=16 (local.get $cp) (f32x4.min (v128.load offset=16 (local.get $cp)) (local.get $a1)))
            (v128.store offset=32 (local.get $cp) (f32x4.min (v128.load offset=32 (local.get $cp)) (local.get $a2)))
            (v128.store offset=48 (local.get $cp) (f32x4.min (v128.load offset=48 (local.get $cp)) (local.get $a3)))
            (local.set $cp (i32.add (local.get $cp) (i32.const 64)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bloop)))
        (f32.store
          (i32.add (local.get $rowMin) (i32.shl (local.get $i) (i32.const 2)))
          (f32.min
            (f32.min (f32x4.extract_lane 0 (local.get $best)) (f32x4.extract_lane 1 (local.get $best)))
            (f32.min (f32x4.extract_lane 2 (local.get $best)) (f32x4.extract_lane 3 (local.get $best)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $qloop)))))
