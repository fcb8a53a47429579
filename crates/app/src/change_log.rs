//! The change log (журнал изменений) as an administrator browses it.
