package app

import "sync"

// Preferences is the small part of fyne.Preferences the app needs to keep non-secret
// settings. fyne.Preferences satisfies it; MemoryPreferences is a stand-in for tests.
// Secrets never go through it: Fyne writes preferences as plain JSON on disk.
type Preferences interface {
	String(key string) string
	SetString(key, value string)
	RemoveValue(key string)
}

// MemoryPreferences is an in-memory Preferences, safe for concurrent use.
type MemoryPreferences struct {
	mu     sync.Mutex
	values map[string]string
}

// NewMemoryPreferences returns empty preferences.
func NewMemoryPreferences() *MemoryPreferences {
	return &MemoryPreferences{values: map[string]string{}}
}

// String returns the value of key, or "" when unset.
func (p *MemoryPreferences) String(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.values[key]
}

// SetString sets key to value.
func (p *MemoryPreferences) SetString(key, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.values[key] = value
}

// RemoveValue deletes key.
func (p *MemoryPreferences) RemoveValue(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.values, key)
}

// Keys returns the keys that are set, for tests that check nothing secret was written.
func (p *MemoryPreferences) Keys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.values))
	for k := range p.values {
		keys = append(keys, k)
	}
	return keys
}
