package digest

import (
	"io/fs"
	"maps"
	"time"
)

// A file is indexed only once it has settled: a file being written (a
// copy in progress, an editor saving) would otherwise be indexed and
// served cut off mid-word until the next look, a minute later. A file has
// settled when its size and modification time are the same as at the
// previous look, or it was last modified settleTime ago or longer. Until
// then a new file is left out of the sync and looked at again after
// settleTime; a file already indexed that is being rewritten holds back
// the whole sync, so that it keeps its old text rather than losing it,
// but for at most maxHold, so that a file written to without end does not
// stop the corpus from being followed.
const (
	settleTime = 2 * time.Second
	maxHold    = time.Minute
)

// fileStat is what a look notes of a file.
type fileStat struct {
	size  int64
	mtime int64 // Unix nanoseconds
	mode  fs.FileMode
	err   string // why it could not be looked at, if it could not
}

// look is the files of the corpus folder by path, as one look found them.
type look map[string]fileStat

// lookAt notes the size and modification time of every file in fsys:
// cheap to take every few seconds, and different after any edit.
func lookAt(fsys fs.FS) (look, error) {
	l := look{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			return nil
		}
		var info fs.FileInfo
		if err == nil {
			info, err = d.Info()
		}
		if err != nil {
			if p == "." {
				return err
			}
			// corpus.OpenFolder skips what it cannot read; so does this,
			// noting it, so that the file is looked at again once readable.
			l[p] = fileStat{err: err.Error()}
			return nil
		}
		l[p] = fileStat{size: info.Size(), mtime: info.ModTime().UnixNano(), mode: info.Mode()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// same reports whether two looks found the same files, unchanged.
func (l look) same(o look) bool { return maps.Equal(l, o) }

// unsettled sorts the files of cur that differ from what was indexed and
// have not settled, as of now, given the previous look: new ones, which
// can be left out, and ones already indexed, which cannot. When nothing
// is known to be indexed yet (the first look), every file counts as
// indexed: the index may hold it from an earlier run.
func unsettled(cur, prev, indexed look, now time.Time) (fresh, rewritten []string) {
	for p, st := range cur {
		old, wasIndexed := indexed[p]
		switch {
		case wasIndexed && old == st:
		case st.err != "":
		case prev[p] == st && prev != nil:
		case now.Sub(time.Unix(0, st.mtime)) >= settleTime:
		case wasIndexed || indexed == nil:
			rewritten = append(rewritten, p)
		default:
			fresh = append(fresh, p)
		}
	}
	return fresh, rewritten
}

// hiding is a file system without some of its files.
type hiding struct {
	fs.FS
	hidden map[string]bool
}

func hide(fsys fs.FS, paths []string) fs.FS {
	if len(paths) == 0 {
		return fsys
	}
	h := hiding{FS: fsys, hidden: map[string]bool{}}
	for _, p := range paths {
		h.hidden[p] = true
	}
	return h
}

func (h hiding) Open(name string) (fs.File, error) {
	if h.hidden[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return h.FS.Open(name)
}

func (h hiding) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(h.FS, name)
	kept := entries[:0]
	for _, e := range entries {
		p := e.Name()
		if name != "." {
			p = name + "/" + p
		}
		if !h.hidden[p] {
			kept = append(kept, e)
		}
	}
	return kept, err
}

func (h hiding) Stat(name string) (fs.FileInfo, error) {
	if h.hidden[name] {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return fs.Stat(h.FS, name)
}

// without is l less the given paths.
func (l look) without(paths []string) look {
	out := maps.Clone(l)
	for _, p := range paths {
		delete(out, p)
	}
	return out
}
