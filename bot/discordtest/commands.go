package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandScope checks the application and guild of a commands endpoint and
// returns the guild ("" for global commands); on failure it has answered.
func (s *Server) commandScope(w http.ResponseWriter, r *restRequest) (guildID string, ok bool) {
	if r.PathValue("app") != s.appID {
		s.violate("%s %s: application ID is not the bot's", r.Method, r.path)
		writeError(w, http.StatusForbidden, codeMissingAccess, "Missing Access", nil)
		return "", false
	}
	guildID = r.PathValue("guild")
	if guildID != "" && guildID != s.guildID {
		s.violate("%s %s: unknown guild", r.Method, r.path)
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild", nil)
		return "", false
	}
	return guildID, true
}

func (s *Server) getCommands(w http.ResponseWriter, r *restRequest) {
	guildID, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.commands[guildID]
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	writeJSON(w, http.StatusOK, cmds)
}

// putCommands is the bulk overwrite: the list replaces all commands.
func (s *Server) putCommands(w http.ResponseWriter, r *restRequest) {
	guildID, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(r.body, &cmds); err != nil {
		s.violate("%s %s: body is not a list of commands: %v", r.Method, r.path, err)
		writeError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if errs := validateCommands(cmds); len(errs) > 0 {
		s.rejectLocked(w, r, errs)
		return
	}
	s.commands[guildID] = s.registerLocked(guildID, cmds)
	writeJSON(w, http.StatusOK, s.commands[guildID])
}

// postCommand creates a command, or replaces the one of the same name and type.
func (s *Server) postCommand(w http.ResponseWriter, r *restRequest) {
	guildID, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	var c discordgo.ApplicationCommand
	if err := json.Unmarshal(r.body, &c); err != nil {
		s.violate("%s %s: body is not a command: %v", r.Method, r.path, err)
		writeError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body", nil)
		return
	}
	if c.Type == 0 {
		c.Type = discordgo.ChatApplicationCommand
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if errs := validateCommands([]*discordgo.ApplicationCommand{&c}); len(errs) > 0 {
		for i := range errs {
			errs[i].path = strings.TrimPrefix(errs[i].path, "0.")
		}
		s.rejectLocked(w, r, errs)
		return
	}
	list := slices.Clone(s.commands[guildID])
	status := http.StatusCreated
	if i := slices.IndexFunc(list, func(o *discordgo.ApplicationCommand) bool { return o.Type == c.Type && o.Name == c.Name }); i >= 0 {
		list[i], status = &c, http.StatusOK
	} else {
		list = append(list, &c)
	}
	if errs := validateCommands(list); len(errs) > 0 {
		s.rejectLocked(w, r, errs)
		return
	}
	s.commands[guildID] = s.registerLocked(guildID, list)
	for _, o := range s.commands[guildID] {
		if o.Type == c.Type && o.Name == c.Name {
			writeJSON(w, status, o)
		}
	}
}

func (s *Server) deleteCommand(w http.ResponseWriter, r *restRequest) {
	guildID, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("command")
	i := slices.IndexFunc(s.commands[guildID], func(c *discordgo.ApplicationCommand) bool { return c.ID == id })
	if i < 0 {
		s.violateLocked("%s %s: unknown command", r.Method, r.path)
		writeError(w, http.StatusNotFound, 10063, "Unknown application command", nil)
		return
	}
	s.commands[guildID] = slices.Delete(slices.Clone(s.commands[guildID]), i, i+1)
	s.notifyLocked()
	w.WriteHeader(http.StatusNoContent)
}

// registerLocked gives commands IDs, keeping the ID of a command that
// replaces one of the same name and type, as Discord does.
func (s *Server) registerLocked(guildID string, cmds []*discordgo.ApplicationCommand) []*discordgo.ApplicationCommand {
	old := make(map[string]string)
	for _, c := range s.commands[guildID] {
		old[fmt.Sprint(c.Type, c.Name)] = c.ID
	}
	out := make([]*discordgo.ApplicationCommand, 0, len(cmds))
	for _, c := range cmds {
		c := *c
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
		c.ID = old[fmt.Sprint(c.Type, c.Name)]
		if c.ID == "" {
			c.ID = s.newIDLocked()
		}
		c.ApplicationID, c.GuildID, c.Version = s.appID, guildID, s.newIDLocked()
		out = append(out, &c)
	}
	s.notifyLocked()
	return out
}

// Commands returns the commands registered for a guild, or the global ones
// for guildID "".
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*discordgo.ApplicationCommand, len(s.commands[guildID]))
	for i, c := range s.commands[guildID] {
		cc := *c
		out[i] = &cc
	}
	return out
}
