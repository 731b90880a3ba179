package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// fieldError is one entry of Discord's "Invalid Form Body" errors; path is
// dotted, e.g. "embeds.0.title".
type fieldError struct {
	path, code, message string
}

func (e fieldError) String() string { return e.path + ": " + e.message }

// nest turns field errors into Discord's nested errors object.
func nest(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		for _, k := range strings.Split(e.path, ".") {
			child, ok := node[k].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[k] = child
			}
			node = child
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]string{"code": e.code, "message": e.message})
	}
	return root
}

// wireMessage holds the parts of a message body the fake checks.
type wireMessage struct {
	Content         string                 `json:"content"`
	Embeds          []wireEmbed            `json:"embeds"`
	Components      []wireComponent        `json:"components"`
	Attachments     []json.RawMessage      `json:"attachments"`
	StickerIDs      []string               `json:"sticker_ids"`
	Poll            json.RawMessage        `json:"poll"`
	Flags           discordgo.MessageFlags `json:"flags"`
	AllowedMentions json.RawMessage        `json:"allowed_mentions"`
	// Choices, CustomID and Title only occur in interaction callbacks.
	Choices  []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	CustomID string                                      `json:"custom_id"`
	Title    string                                      `json:"title"`
}

type wireEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

type wireComponent struct {
	Type        discordgo.ComponentType `json:"type"`
	Style       int                     `json:"style"`
	CustomID    *string                 `json:"custom_id"`
	URL         *string                 `json:"url"`
	Label       string                  `json:"label"`
	Placeholder string                  `json:"placeholder"`
	Options     []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"options"`
	Components []wireComponent `json:"components"`
}

// empty reports whether a message has nothing to show.
func (m wireMessage) empty(files int) bool {
	return strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 && len(m.Components) == 0 &&
		len(m.Attachments) == 0 && len(m.StickerIDs) == 0 && len(m.Poll) == 0 && files == 0
}

func maxLen(errs *[]fieldError, path, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		*errs = append(*errs, fieldError{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", n)})
	}
}

func required(errs *[]fieldError, path, s string) {
	if s == "" {
		*errs = append(*errs, fieldError{path, "BASE_TYPE_REQUIRED", "This field is required"})
	}
}

func maxItems(errs *[]fieldError, path string, got, n int) {
	if got > n {
		*errs = append(*errs, fieldError{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", n)})
	}
}

// validateMessage checks Discord's limits on content, embeds and
// components; prefix ("" or "data.") is prepended to error paths.
func validateMessage(m wireMessage, prefix string) []fieldError {
	var errs []fieldError
	maxLen(&errs, prefix+"content", m.Content, 2000)
	maxItems(&errs, prefix+"embeds", len(m.Embeds), 10)
	total := 0
	for i, e := range m.Embeds {
		p := fmt.Sprintf("%sembeds.%d.", prefix, i)
		maxLen(&errs, p+"title", e.Title, 256)
		maxLen(&errs, p+"description", e.Description, 4096)
		maxItems(&errs, p+"fields", len(e.Fields), 25)
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		for j, f := range e.Fields {
			fp := fmt.Sprintf("%sfields.%d.", p, j)
			required(&errs, fp+"name", f.Name)
			required(&errs, fp+"value", f.Value)
			maxLen(&errs, fp+"name", f.Name, 256)
			maxLen(&errs, fp+"value", f.Value, 1024)
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			maxLen(&errs, p+"footer.text", e.Footer.Text, 2048)
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			maxLen(&errs, p+"author.name", e.Author.Name, 256)
			total += utf8.RuneCountInString(e.Author.Name)
		}
	}
	if total > 6000 {
		errs = append(errs, fieldError{prefix + "embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"})
	}
	return append(errs, validateComponents(m.Components, prefix+"components")...)
}

func validateComponents(rows []wireComponent, path string) []fieldError {
	var errs []fieldError
	maxItems(&errs, path, len(rows), 5)
	seen := map[string]bool{}
	for i, row := range rows {
		rp := fmt.Sprintf("%s.%d", path, i)
		if row.Type != discordgo.ActionsRowComponent {
			errs = append(errs, fieldError{rp + ".type", "UNION_TYPE_CHOICES", "Top-level components must be action rows (type 1)."})
			continue
		}
		if len(row.Components) == 0 {
			errs = append(errs, fieldError{rp + ".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."})
		}
		maxItems(&errs, rp+".components", len(row.Components), 5)
		for j, c := range row.Components {
			cp := fmt.Sprintf("%s.components.%d.", rp, j)
			if c.CustomID != nil {
				maxLen(&errs, cp+"custom_id", *c.CustomID, 100)
				if seen[*c.CustomID] {
					errs = append(errs, fieldError{cp + "custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
				}
				seen[*c.CustomID] = true
			}
			switch c.Type {
			case discordgo.ButtonComponent:
				errs = append(errs, validateButton(c, cp)...)
			case discordgo.SelectMenuComponent, discordgo.UserSelectMenuComponent, discordgo.RoleSelectMenuComponent,
				discordgo.MentionableSelectMenuComponent, discordgo.ChannelSelectMenuComponent:
				if len(row.Components) > 1 {
					errs = append(errs, fieldError{cp + "type", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu must be alone in its action row."})
				}
				if c.CustomID == nil || *c.CustomID == "" {
					errs = append(errs, fieldError{cp + "custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
				}
				maxLen(&errs, cp+"placeholder", c.Placeholder, 150)
				maxItems(&errs, cp+"options", len(c.Options), 25)
				for k, o := range c.Options {
					maxLen(&errs, fmt.Sprintf("%soptions.%d.label", cp, k), o.Label, 100)
					maxLen(&errs, fmt.Sprintf("%soptions.%d.value", cp, k), o.Value, 100)
				}
			default:
				errs = append(errs, fieldError{cp + "type", "UNION_TYPE_CHOICES", fmt.Sprintf("Component type %d is not allowed in a message action row.", c.Type)})
			}
		}
	}
	return errs
}

func validateButton(c wireComponent, p string) []fieldError {
	var errs []fieldError
	maxLen(&errs, p+"label", c.Label, 80)
	switch {
	case c.Style == int(discordgo.LinkButton):
		if c.URL == nil || *c.URL == "" {
			errs = append(errs, fieldError{p + "url", "BASE_TYPE_REQUIRED", "This field is required"})
		} else {
			maxLen(&errs, p+"url", *c.URL, 512)
		}
		if c.CustomID != nil {
			errs = append(errs, fieldError{p + "custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "Link buttons cannot have a custom_id."})
		}
	case c.Style >= 1 && c.Style <= 4:
		if c.CustomID == nil || *c.CustomID == "" {
			errs = append(errs, fieldError{p + "custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		if c.URL != nil {
			errs = append(errs, fieldError{p + "url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons can have a url."})
		}
	default:
		errs = append(errs, fieldError{p + "style", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be one of {1, 2, 3, 4, 5}; got %d.", c.Style)})
	}
	return errs
}

// validateChoices checks an autocomplete result.
func validateChoices(choices []*discordgo.ApplicationCommandOptionChoice, path string) []fieldError {
	var errs []fieldError
	maxItems(&errs, path, len(choices), 25)
	for i, c := range choices {
		p := fmt.Sprintf("%s.%d.", path, i)
		if c.Name == "" {
			errs = append(errs, fieldError{p + "name", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."})
		}
		maxLen(&errs, p+"name", c.Name, 100)
		if v, ok := c.Value.(string); ok {
			maxLen(&errs, p+"value", v, 100)
		}
	}
	return errs
}

// validateModal checks a modal: a title, a custom_id and one to five action
// rows each holding a single text input.
func validateModal(m wireMessage) []fieldError {
	var errs []fieldError
	required(&errs, "data.title", m.Title)
	maxLen(&errs, "data.title", m.Title, 45)
	required(&errs, "data.custom_id", m.CustomID)
	maxLen(&errs, "data.custom_id", m.CustomID, 100)
	if len(m.Components) == 0 {
		errs = append(errs, fieldError{"data.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."})
	}
	maxItems(&errs, "data.components", len(m.Components), 5)
	for i, row := range m.Components {
		p := fmt.Sprintf("data.components.%d", i)
		if row.Type != discordgo.ActionsRowComponent || len(row.Components) != 1 || row.Components[0].Type != discordgo.TextInputComponent {
			errs = append(errs, fieldError{p, "UNION_TYPE_CHOICES", "Each modal row must be an action row holding one text input."})
			continue
		}
		in := row.Components[0]
		maxLen(&errs, p+".components.0.label", in.Label, 45)
		if in.CustomID == nil || *in.CustomID == "" {
			errs = append(errs, fieldError{p + ".components.0.custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
		}
	}
	return errs
}

// mentionProblem explains why an allowed_mentions value breaks the product
// rule that nothing is ever pinged, or returns "".
func mentionProblem(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return `no allowed_mentions (want {"parse": []})`
	}
	var am struct {
		Parse       []string `json:"parse"`
		Users       []string `json:"users"`
		Roles       []string `json:"roles"`
		RepliedUser bool     `json:"replied_user"`
	}
	if err := json.Unmarshal(raw, &am); err != nil {
		return "undecodable allowed_mentions: " + err.Error()
	}
	if len(am.Parse) > 0 || len(am.Users) > 0 || len(am.Roles) > 0 || am.RepliedUser {
		return "allowed_mentions " + string(raw) + ` allows pings (want {"parse": []})`
	}
	return ""
}

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// validateCommands checks a bulk overwrite of application commands.
func validateCommands(cmds []*discordgo.ApplicationCommand) []fieldError {
	var errs []fieldError
	count := map[discordgo.ApplicationCommandType]int{}
	names := map[string]bool{}
	for i, c := range cmds {
		p := strconv.Itoa(i) + "."
		typ := c.Type
		if typ == 0 {
			typ = discordgo.ChatApplicationCommand
		}
		count[typ]++
		key := fmt.Sprint(typ, c.Name)
		if names[key] {
			errs = append(errs, fieldError{p + "name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"})
		}
		names[key] = true
		switch typ {
		case discordgo.ChatApplicationCommand:
			errs = append(errs, validateName(c.Name, p+"name")...)
			errs = append(errs, validateDescription(c.Description, p+"description")...)
			errs = append(errs, validateOptions(c.Options, p+"options", 0)...)
		case discordgo.UserApplicationCommand, discordgo.MessageApplicationCommand:
			if n := utf8.RuneCountInString(c.Name); n < 1 || n > 32 {
				errs = append(errs, fieldError{p + "name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."})
			}
			if c.Description != "" || len(c.Options) > 0 {
				errs = append(errs, fieldError{p + "description", "APPLICATION_COMMAND_CONTEXT_MENU_FIELDS", "Context menu commands cannot have a description or options."})
			}
		default:
			errs = append(errs, fieldError{p + "type", "BASE_TYPE_CHOICES", fmt.Sprintf("Value must be one of {1, 2, 3}; got %d.", c.Type)})
		}
	}
	limits := map[discordgo.ApplicationCommandType]int{discordgo.ChatApplicationCommand: 100, discordgo.UserApplicationCommand: 5, discordgo.MessageApplicationCommand: 5}
	for typ, n := range count {
		if limit, ok := limits[typ]; ok && n > limit {
			errs = append(errs, fieldError{"_", "APPLICATION_COMMANDS_TOO_MANY", fmt.Sprintf("Maximum number of type %d commands (%d) reached.", typ, limit)})
		}
	}
	return errs
}

func validateName(name, path string) []fieldError {
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		return []fieldError{{path, "APPLICATION_COMMAND_INVALID_NAME", fmt.Sprintf("Command name %q is invalid: 1-32 lowercase letters, digits, - or _.", name)}}
	}
	return nil
}

func validateDescription(d, path string) []fieldError {
	if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
		return []fieldError{{path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."}}
	}
	return nil
}

// validateOptions checks command options; depth counts enclosing
// subcommand levels.
func validateOptions(opts []*discordgo.ApplicationCommandOption, path string, depth int) []fieldError {
	var errs []fieldError
	maxItems(&errs, path, len(opts), 25)
	optional, subs, others := false, 0, 0
	names := map[string]bool{}
	for i, o := range opts {
		p := fmt.Sprintf("%s.%d.", path, i)
		errs = append(errs, validateName(o.Name, p+"name")...)
		errs = append(errs, validateDescription(o.Description, p+"description")...)
		if names[o.Name] {
			errs = append(errs, fieldError{p + "name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"})
		}
		names[o.Name] = true
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			subs++
			if depth > 1 || (depth == 1 && o.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
				errs = append(errs, fieldError{p + "type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands nest at most as command > group > subcommand."})
			}
			if o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				for j, sub := range o.Options {
					if sub.Type != discordgo.ApplicationCommandOptionSubCommand {
						errs = append(errs, fieldError{fmt.Sprintf("%soptions.%d.type", p, j), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommand groups may only hold subcommands."})
					}
				}
			}
			errs = append(errs, validateOptions(o.Options, p+"options", depth+1)...)
			continue
		}
		if o.Type == 0 || o.Type > discordgo.ApplicationCommandOptionAttachment {
			errs = append(errs, fieldError{p + "type", "BASE_TYPE_CHOICES", fmt.Sprintf("Option type must be 1 to 11; got %d.", o.Type)})
		}
		others++
		if len(o.Options) > 0 {
			errs = append(errs, fieldError{p + "options", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Only subcommands and groups can have options."})
		}
		if o.Required && optional {
			errs = append(errs, fieldError{p + "required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"})
		}
		optional = optional || !o.Required
		if o.Autocomplete && len(o.Choices) > 0 {
			errs = append(errs, fieldError{p + "autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set together with choices."})
		}
		errs = append(errs, validateChoices(o.Choices, p+"choices")...)
	}
	if subs > 0 && others > 0 {
		errs = append(errs, fieldError{path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands cannot be mixed with other options."})
	}
	return errs
}
