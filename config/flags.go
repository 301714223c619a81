package config

import (
	"encoding"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dendrite-lab/dendrite/option"
)

// Keys returns every config key in field order.
func Keys() []string {
	t := reflect.TypeFor[Config]()
	keys := make([]string, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		keys = append(keys, jsonKey(t.Field(i)))
	}
	return keys
}

func jsonKey(f reflect.StructField) string {
	k, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return k
}

// Flags binds every config key to a flag of fs: key "train_examples" becomes
// --train-examples, and a boolean key also gets --no-KEY. The returned function
// applies the flags the user set, in the order given on the command line, to a
// Config (use it as the override of FromJSON, so flags win over the file).
func Flags(fs *flag.FlagSet) func(*Config) error {
	type setting struct{ key, val string }
	var set []setting
	t := reflect.TypeFor[Config]()
	def := Default("paper")
	dv := reflect.ValueOf(def)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := jsonKey(f)
		name := strings.ReplaceAll(key, "_", "-")
		usage := fieldUsage(f, dv.Field(i))
		if f.Type.Kind() == reflect.Bool {
			fs.Var(&boolFlag{func(s string) { set = append(set, setting{key, s}) }}, name, usage)
			fs.Var(&boolFlag{func(s string) {
				v, err := strconv.ParseBool(s)
				if err != nil {
					v = true
				}
				set = append(set, setting{key, strconv.FormatBool(!v)})
			}}, "no-"+name, "turn off --"+name)
			continue
		}
		fs.Var(&strFlag{func(s string) { set = append(set, setting{key, s}) }}, name, usage)
	}
	return func(c *Config) error {
		v := reflect.ValueOf(c).Elem()
		for _, s := range set {
			fi := fieldIndex(s.key)
			if err := setField(v.Field(fi), s.val); err != nil {
				return fmt.Errorf("flag --%s: %v", strings.ReplaceAll(s.key, "_", "-"), err)
			}
		}
		return nil
	}
}

// Set assigns a config key from its string form (as on the command line:
// lists are comma separated).
func (c *Config) Set(key, val string) error {
	fi := fieldIndex(key)
	if fi < 0 {
		return fmt.Errorf("config: unknown key %q", key)
	}
	if err := setField(reflect.ValueOf(c).Elem().Field(fi), val); err != nil {
		return fmt.Errorf("config field %q: %v", key, err)
	}
	return nil
}

func fieldIndex(key string) int {
	if i, ok := fieldIndexes()[key]; ok {
		return i
	}
	return -1
}

// fieldIndexes maps each config key to its field index, built once: every
// key of every config file and manifest line is looked up.
var fieldIndexes = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[Config]()
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		m[jsonKey(t.Field(i))] = i
	}
	return m
})

func fieldUsage(f reflect.StructField, def reflect.Value) string {
	d, _ := json.Marshal(def.Interface())
	return fmt.Sprintf("%s [key %s, %s, default %s]", help[jsonKey(f)], jsonKey(f), typeName(f.Type), d)
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "comma-separated " + typeName(t.Elem()) + "s"
	case reflect.Float64:
		return "number"
	case reflect.Int, reflect.Uint64:
		return "integer"
	}
	return t.Kind().String()
}

func setField(v reflect.Value, s string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		// an enumerated option: its own parser names the accepted values
		if err := u.UnmarshalText([]byte(s)); err != nil {
			var oe *option.Error
			if errors.As(err, &oe) {
				return fmt.Errorf("got %s, want %s", quote(s), oe.Want())
			}
			return err
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("got %s, want true or false", quote(s))
		}
		v.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("got %s, want an integer", quote(s))
		}
		v.SetInt(int64(n))
	case reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("got %s, want a non-negative integer", quote(s))
		}
		v.SetUint(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("got %s, want a number", quote(s))
		}
		v.SetFloat(f)
	case reflect.Slice:
		parts := strings.Split(strings.Trim(strings.TrimSpace(s), "[]"), ",")
		if strings.TrimSpace(s) == "" {
			parts = nil
		}
		sl := reflect.MakeSlice(v.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setField(sl.Index(i), strings.TrimSpace(p)); err != nil {
				return fmt.Errorf("element %d: %v", i, err)
			}
		}
		v.Set(sl)
	default:
		return fmt.Errorf("unsupported kind %s", v.Kind())
	}
	return nil
}

type strFlag struct{ set func(string) }

func (f *strFlag) String() string     { return "" }
func (f *strFlag) Set(s string) error { f.set(s); return nil }

type boolFlag struct{ set func(string) }

func (f *boolFlag) String() string     { return "" }
func (f *boolFlag) Set(s string) error { f.set(s); return nil }
func (f *boolFlag) IsBoolFlag() bool   { return true }

// SortedKeys returns the keys sorted alphabetically (for help output).
func SortedKeys() []string {
	k := Keys()
	sort.Strings(k)
	return k
}
