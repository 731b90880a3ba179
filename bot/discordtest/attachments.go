package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on uploads: files per message, and the default size of
// one file for a bot in a server without boosts.
// https://discord.com/developers/docs/reference#uploading-files
const (
	maxFiles    = 10
	maxFileSize = 10 << 20
)

// codeEntityTooLarge is Discord's error code for an upload over the limit.
const codeEntityTooLarge = 40005

// upload is one files[n] part of a multipart request.
type upload struct {
	field       string // "files[0]"
	name        string
	contentType string
	data        []byte
}

// storedFile is an uploaded attachment's content, served at its URL.
type storedFile struct {
	name, contentType string
	data              []byte
}

// wireAttachment is an attachment object as Discord returns it.
type wireAttachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Description string `json:"description,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ProxyURL    string `json:"proxy_url"`
	Ephemeral   bool   `json:"ephemeral,omitempty"`
}

// attachmentRequest is an entry of a request's attachments: an upload's
// metadata (id is the n of files[n]) or, in an edit, an attachment to keep.
type attachmentRequest struct {
	ID          json.RawMessage `json:"id"`
	Filename    string          `json:"filename"`
	Description string          `json:"description"`
}

func readUpload(part *multipart.Part) (upload, error) {
	// One byte past the limit is enough to refuse the file.
	data, err := io.ReadAll(io.LimitReader(part, maxFileSize+1))
	if err != nil {
		return upload{}, fmt.Errorf("read %s: %w", part.FormName(), err)
	}
	return upload{field: part.FormName(), name: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}, nil
}

// index is n of an upload's files[n] field, or -1.
func (u upload) index() int {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(u.field, "files["), "]"))
	if err != nil {
		return -1
	}
	return n
}

// requestAttachments decodes the attachments a message body lists;
// present is false when it lists none, which in an edit keeps them all.
func requestAttachments(body json.RawMessage) (list []attachmentRequest, present bool) {
	var req struct {
		Attachments *[]attachmentRequest `json:"attachments"`
	}
	if json.Unmarshal(body, &req) != nil || req.Attachments == nil {
		return nil, false
	}
	return *req.Attachments, true
}

func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// checkUploadsLocked checks a request's files as Discord does: at most 10,
// each named and within the size limit, and every attachment the body
// lists either one of them or an attachment that exists. It has answered
// and recorded the violation when it returns false.
func (s *Server) checkUploadsLocked(w http.ResponseWriter, r *restRequest, prefix string, body json.RawMessage) bool {
	var errs []fieldError
	maxItems(&errs, prefix+"attachments", len(r.uploads), maxFiles)
	indexes := map[string]bool{}
	for _, u := range r.uploads {
		if len(u.data) > maxFileSize {
			s.violateLocked("%s %s: %s is over the %d-byte upload limit", r.Method, r.path, u.field, maxFileSize)
			writeError(w, http.StatusRequestEntityTooLarge, codeEntityTooLarge, "Request entity too large", nil)
			return false
		}
		if strings.TrimSpace(u.name) == "" {
			errs = append(errs, fieldError{u.field, "BASE_TYPE_REQUIRED", "A file needs a filename."})
		}
		if u.index() < 0 {
			errs = append(errs, fieldError{u.field, "BASE_TYPE_INVALID", "File fields are named files[n]."})
		}
		indexes[strconv.Itoa(u.index())] = true
	}
	list, _ := requestAttachments(body)
	maxItems(&errs, prefix+"attachments", len(list), maxFiles)
	for i, a := range list {
		id := rawID(a.ID)
		if !indexes[id] && s.files[id] == nil {
			errs = append(errs, fieldError{fmt.Sprintf("%sattachments.%d.id", prefix, i), "ATTACHMENT_NOT_FOUND", "Unknown attachment: neither an uploaded file's index nor an existing attachment."})
		}
		maxLen(&errs, fmt.Sprintf("%sattachments.%d.description", prefix, i), a.Description, 1024)
	}
	if len(errs) > 0 {
		s.rejectLocked(w, r, errs)
		return false
	}
	return true
}

// attachLocked sets a message's attachments after it was created or
// edited from body: the previous ones it keeps (all, unless body lists
// which), then the files uploaded with the request, each stored and given
// a URL on the fake.
func (s *Server) attachLocked(m *storedMessage, prev json.RawMessage, body json.RawMessage, uploads []upload) {
	var old []wireAttachment
	json.Unmarshal(prev, &old)
	list, present := requestAttachments(body)
	meta := map[string]attachmentRequest{}
	var kept []wireAttachment
	for _, a := range list {
		id := rawID(a.ID)
		meta[id] = a
		for _, o := range old {
			if o.ID == id {
				kept = append(kept, o)
			}
		}
	}
	if !present {
		kept = old
	}
	ephemeral := m.ephemeral()
	for _, u := range uploads {
		a := meta[strconv.Itoa(u.index())]
		name := u.name
		if a.Filename != "" {
			name = a.Filename
		}
		id := s.storeFileLocked(name, u.contentType, u.data)
		link := s.http.URL + "/attachments/" + m.channelID + "/" + id + "/" + url.PathEscape(name)
		kept = append(kept, wireAttachment{
			ID: id, Filename: name, Description: a.Description, ContentType: u.contentType,
			Size: len(u.data), URL: link, ProxyURL: link, Ephemeral: ephemeral,
		})
	}
	if kept == nil {
		kept = []wireAttachment{}
	}
	m.fields["attachments"], _ = json.Marshal(kept)
}

// storeFileLocked keeps an uploaded file under a new attachment ID, which
// it returns, to be served at its URL.
func (s *Server) storeFileLocked(name, contentType string, data []byte) string {
	if s.files == nil {
		s.files = make(map[string]*storedFile)
	}
	id := s.newIDLocked()
	s.files[id] = &storedFile{name: name, contentType: contentType, data: data}
	return id
}

// serveAttachment serves an uploaded file at its URL, as Discord's CDN does.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.files[r.PathValue("id")]
	s.mu.Unlock()
	if f == nil || f.name != r.PathValue("name") {
		http.NotFound(w, r)
		return
	}
	if f.contentType != "" {
		w.Header().Set("Content-Type", f.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	w.Write(f.data)
}

// AttachmentData returns the content of the attachment a message carries,
// as uploaded, and whether the fake has it.
func (s *Server) AttachmentData(a *discordgo.MessageAttachment) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[a.ID]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}
