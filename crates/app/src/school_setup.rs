//! School set-up: years and periods, classes, curriculum, bells and the timetable.
