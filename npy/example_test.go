package npy_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dendrite-lab/dendrite/npy"
)

func Example() {
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}); err != nil {
		log.Fatal(err)
	}
	a, err := npy.Read(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Shape, a.Len(), a.Data)
	// Output: [2 3] 6 [1 2 3 4 5 6]
}

func ExampleWriteFile() {
	dir, err := os.MkdirTemp("", "npy-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "b_0.npy")
	if err := npy.WriteFile(path, []int{3}, []float64{0.5, -1, 2}); err != nil {
		log.Fatal(err)
	}
	a, err := npy.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Shape, a.Data)
	// Output: [3] [0.5 -1 2]
}

func ExampleWriteInt64() {
	var buf bytes.Buffer
	if err := npy.WriteInt64(&buf, []int{4}, []int64{5, 0, 4, 1}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(buf.Len()) // 128-byte header + 4*8 bytes
	a, err := npy.Read(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Data)
	// Output:
	// 160
	// [5 0 4 1]
}

func ExampleRead_errors() {
	_, err := npy.Read(bytes.NewReader([]byte("PK\x03\x04...")))
	fmt.Println(err)
	// Output: npy: not a .npy file: magic bytes "PK\x03\x04..", want \x93NUMPY
}

func ExampleArray_Len() {
	a := &npy.Array{Shape: []int{500, 784}}
	fmt.Println(a.Len())
	scalar := &npy.Array{Shape: []int{}, Data: []float64{3}}
	fmt.Println(scalar.Len())
	// Output:
	// 392000
	// 1
}
