# Russian texts of the messages people read: errors, refusals and field errors.
# One message per id; ids are kebab-case and named by area (`class-letter-invalid`).
# Arguments are written { $name }; a number argument may choose a plural form:
#   { $n -> [one] минуту [few] минуты *[many] минут }
# crates/core/src/message/tests.rs checks that every id here is used in the Rust source and
# every id used there is here.

## General

field-too-long = Не длиннее { $max } знаков
form-stale = Срок действия формы истёк. Обновите страницу.
mark-attendance-code-unknown = Неизвестный код посещаемости «{ $code }»
