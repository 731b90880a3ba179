package state

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dossier-bot/dossier/corpus"
)

// RecordDocuments is File.RecordDocuments on the shared registry. Every
// replica records the corpus folder they share; the registry's lock makes
// them take turns, so the first to see a document records it added and
// the others find it recorded: a document is announced once.
func (p *Postgres) RecordDocuments(src Source, at time.Time, lead func(corpus.Document) string) (Changes, error) {
	var ch Changes
	err := p.doLong("record documents", func(ctx context.Context, tx pgx.Tx) error {
		ch = Changes{} // a retry starts over
		if err := lock(ctx, tx, lockRegistry); err != nil {
			return err
		}
		seen := map[string]bool{}
		err := src.Each(func(doc *corpus.Document) error {
			seen[doc.ID] = true
			var old Document
			found, err := getRow(ctx, tx, &old, "SELECT data FROM documents WHERE id = $1", doc.ID)
			if err != nil {
				return err
			}
			rec, write := nextRecord(doc, old, found, at, lead, &ch)
			if !write {
				return nil
			}
			return putDocument(ctx, tx, rec)
		})
		if err != nil {
			return err
		}
		if len(seen) == 0 {
			return ErrNoDocuments
		}
		var present []string
		rs, err := tx.Query(ctx, `SELECT id FROM documents WHERE NOT removed ORDER BY id COLLATE "C"`)
		if err != nil {
			return err
		}
		var id string
		if _, err := pgx.ForEachRow(rs, []any{&id}, func() error {
			if !seen[id] {
				present = append(present, id)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, id := range present {
			var d Document
			if _, err := getRow(ctx, tx, &d, "SELECT data FROM documents WHERE id = $1", id); err != nil {
				return err
			}
			d.Removed = at
			ch.Removed = append(ch.Removed, d.ID)
			if err := putDocument(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Changes{}, err
	}
	return ch, nil
}

func putDocument(ctx context.Context, tx pgx.Tx, d Document) error {
	raw, err := encode(d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO documents (id, removed, data) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET removed = EXCLUDED.removed, data = EXCLUDED.data`, d.ID, !d.Removed.IsZero(), raw)
	return err
}

func (p *Postgres) Documents() ([]Document, error) {
	var docs []Document
	err := p.doLong("list documents", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		docs, err = rows[Document](ctx, tx, `SELECT data FROM documents ORDER BY id COLLATE "C"`)
		return err
	})
	return docs, err
}
