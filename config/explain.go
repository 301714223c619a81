package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Origin says where one resolved config value came from.
type Origin struct {
	// Key is the config key.
	Key string `json:"key"`
	// Value is the resolved value, as JSON.
	Value json.RawMessage `json:"value"`
	// From is one of "default" (the defaults every profile shares),
	// "profile" (the chosen profile's default, unlike the paper profile's),
	// "file" (the config file), "flag" (the command line) or "derived" (set
	// by Resolve from other keys: the learning rates of the architecture,
	// the settings rate mode implies).
	From string `json:"from"`
	// Detail names the file, the flag or the keys a value was derived from.
	Detail string `json:"detail,omitempty"`
	// Help says what the key means (its doc comment, as `dendrite train -h`
	// shows it).
	Help string `json:"help,omitempty"`
}

// FlagKey returns the config key a command-line flag sets (flag
// "train-examples" or "no-shuffle" sets key "train_examples" or "shuffle"),
// and false for a flag that is not a config key.
func FlagKey(name string) (string, bool) {
	k := strings.ReplaceAll(name, "-", "_")
	if fieldIndex(k) >= 0 {
		return k, true
	}
	if b, ok := strings.CutPrefix(k, "no_"); ok && fieldIndex(b) >= 0 {
		return b, true
	}
	return "", false
}

// Explain resolves a config as FromJSON(raw, override) does and says, for
// every key in field order, where its value came from. file names the
// source of raw (for Detail; "" when raw is not from a file), and flags are
// the names of the command-line flags the user set (as flag.FlagSet.Visit
// gives them), of which those that are config keys count.
func Explain(raw []byte, file string, override func(*Config) error, flags []string) ([]Origin, Config, error) {
	pre, c, err := fromJSON(raw, override)
	if err != nil {
		return nil, Config{}, err
	}
	inFile := map[string]bool{}
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &m) == nil {
		for k := range m {
			inFile[k] = true
		}
	}
	byFlag := map[string]string{}
	for _, f := range flags {
		if k, ok := FlagKey(f); ok {
			byFlag[k] = "--" + f
		}
	}
	base, prof := jsonFields(Default("paper")), jsonFields(Default(c.Profile))
	preF, final := jsonFields(pre), jsonFields(c)
	var out []Origin
	for _, k := range Keys() {
		o := Origin{Key: k, Value: final[k], Help: help[k]}
		switch {
		case !bytes.Equal(final[k], preF[k]):
			o.From = "derived"
			if k == "etas" {
				o.Detail = "the learning rates for layers " + string(final["layers"])
			} else {
				o.Detail = "mode " + string(final["mode"])
			}
		case byFlag[k] != "":
			o.From, o.Detail = "flag", byFlag[k]
		case inFile[k]:
			o.From, o.Detail = "file", file
		case !bytes.Equal(final[k], base[k]) && bytes.Equal(final[k], prof[k]):
			o.From, o.Detail = "profile", fmt.Sprintf("profile %s", c.Profile)
		default:
			o.From = "default"
		}
		out = append(out, o)
	}
	return out, c, nil
}

// jsonFields returns each key's value of c as compact JSON.
func jsonFields(c Config) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	b, _ := json.Marshal(c)
	_ = json.Unmarshal(b, &m)
	return m
}
