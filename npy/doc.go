// Package npy reads and writes NumPy .npy files.
//
// Read accepts format versions 1.0, 2.0 and 3.0 with any of the numeric
// dtypes f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1 and b1, in either byte
// order, stored in C or Fortran order, including 0-d arrays. Every value is
// converted to float64 and returned in C (row-major) order.
//
// Write and WriteInt64 produce version 1.0 files holding '<f8' or '<i8'
// data in C order, with the header padded so that the data starts at a
// multiple of 64 bytes, exactly like numpy.save. WriteFile and
// WriteInt64File replace the destination atomically.
//
// The reader is defensive: it refuses headers and shapes that would need
// more than 1<<31 elements before allocating anything, and it reads data in
// chunks so that a short input fails fast without allocating for the
// declared size.
package npy
