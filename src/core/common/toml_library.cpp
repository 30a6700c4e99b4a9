// toml++'s implementation, compiled once into sora_core (config.toml in the CLI, storyboards in
// jobs/): every other file includes <toml++/toml.h> for its declarations only
// (TOML_HEADER_ONLY=0, from the sora_toml target). Linked as Debian's libtomlplusplus.so it cost
// every command its symbol bindings at start-up (docs/adr/0015-libraries-opened-on-first-use.md).
#define TOML_IMPLEMENTATION 1
#include <toml++/toml.h>
