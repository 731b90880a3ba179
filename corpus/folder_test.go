package corpus

import (
	"errors"
	"fmt"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestFolderReadsAsItGoes(t *testing.T) {
	t.Parallel()
	body := []byte("Title\n\n" + article)
	fsys := fstest.MapFS{
		"b.md":         {Data: body},
		"a.md":         {Data: body},
		"a.txt":        {Data: body},
		"broken.md":    {Data: []byte("bin\x00ary")},
		"synonyms.txt": {Data: []byte("DPRK = North Korea\n")},
	}
	f, err := OpenFolder(fsys)
	if err != nil {
		t.Fatalf("OpenFolder() = %v", err)
	}
	if got, want := f.Len(), 4; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if diff := cmp.Diff([][]string{{"DPRK", "North Korea"}}, f.Synonyms); diff != "" {
		t.Errorf("Synonyms mismatch (-want +got):\n%s", diff)
	}
	// Documents are read when Each reaches them, not when listed.
	fsys["b.md"] = &fstest.MapFile{Data: []byte("Later Title\n\n" + article)}

	want := []string{"a.md a", "a.txt a-2", "b.md b Later Title"}
	for run := range 2 { // a second pass gives the same IDs and skips once
		var got []string
		err := f.Each(func(d *Document) error {
			s := d.Path + " " + d.ID
			if d.Title != "Title" {
				s += " " + d.Title
			}
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatalf("Each() run %d = %v", run, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Each() run %d documents mismatch (-want +got):\n%s", run, diff)
		}
		if len(f.Skipped) != 1 || f.Skipped[0].Path != "broken.md" {
			t.Errorf("Each() run %d Skipped = %v, want broken.md once", run, f.Skipped)
		}
	}

	stop := errors.New("stop")
	n := 0
	err = f.Each(func(*Document) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Each() with a failing fn = %v after %d documents, want %v after 1", err, n, stop)
	}
}

// TestFolderReadsAheadInOrder has more files than Each reads ahead, so
// files are parsed out of turn, and finds them passed in path order, the
// same IDs given, the same files skipped, and Each stopping when asked.
func TestFolderReadsAheadInOrder(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	var wantDocs, wantSkipped []string
	for i := range 300 {
		name := fmt.Sprintf("d%03d", i)
		switch {
		case i%17 == 0:
			fsys[name+".md"] = &fstest.MapFile{Data: []byte("bin\x00ary")}
			wantSkipped = append(wantSkipped, name+".md")
		case i%5 == 0: // clashes with the .txt after it
			fsys[name+".md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Title %d\n\n%s", i, article))}
			fsys[name+".txt"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Text %d\n\n%s", i, article))}
			wantDocs = append(wantDocs, name+".md "+name+" Title "+strconv.Itoa(i), name+".txt "+name+"-2 Text "+strconv.Itoa(i))
		default:
			fsys[name+".md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Title %d\n\n%s", i, article))}
			wantDocs = append(wantDocs, name+".md "+name+" Title "+strconv.Itoa(i))
		}
	}
	f, err := OpenFolder(fsys)
	if err != nil {
		t.Fatalf("OpenFolder() = %v", err)
	}
	for run := range 2 {
		var got, skipped []string
		err := f.Each(func(d *Document) error {
			got = append(got, d.Path+" "+d.ID+" "+d.Title)
			return nil
		})
		for _, s := range f.Skipped {
			skipped = append(skipped, s.Path)
		}
		if err != nil {
			t.Fatalf("Each() run %d = %v", run, err)
		}
		if diff := cmp.Diff(wantDocs, got); diff != "" {
			t.Errorf("Each() run %d documents mismatch (-want +got):\n%s", run, diff)
		}
		if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
			t.Errorf("Each() run %d Skipped mismatch (-want +got):\n%s", run, diff)
		}
	}

	stop := errors.New("stop")
	for _, at := range []int{1, 50, len(wantDocs)} {
		n := 0
		err := f.Each(func(*Document) error {
			if n++; n == at {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != at {
			t.Errorf("Each() failing at document %d = %v after %d documents, want %v", at, err, n, stop)
		}
	}
}
