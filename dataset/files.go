package dataset

// Files returns the paths of the four IDX files LoadDir reads from dir
// (training images and labels, test images and labels), in that order, so
// that a caller can record or check what it trained on.
func Files(dir string) ([]string, error) {
	var paths []string
	for _, base := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		p, err := findFile(dir, base)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
