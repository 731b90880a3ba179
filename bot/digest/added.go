package digest

import "slices"

// Written tells the watcher that files of the corpus folder were written
// whole, as dossier add and /add write them (a finished file linked into
// place), so that the next Poll indexes them at once rather than waiting
// for them to settle. paths are slash-separated, within the folder.
func (w *Watcher) Written(paths ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written == nil {
		w.written = map[string]bool{}
	}
	for _, p := range paths {
		w.written[p] = true
	}
}

// unwritten is paths without those known to be written whole.
func (w *Watcher) unwritten(paths []string) []string {
	return slices.DeleteFunc(paths, func(p string) bool { return w.written[p] })
}

// settling reports whether a file has yet to settle, so that Run looks
// again soon; Poll may be running for an adder meanwhile.
func (w *Watcher) settling() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.waiting
}
