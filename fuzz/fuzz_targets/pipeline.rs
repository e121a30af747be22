#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| schemafix_core::fuzzing::pipeline(data));
