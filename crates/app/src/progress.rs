//! Progress for students and parents: marks by subject with weighted averages per period,
//! period and year marks, the assignment card, and the bell times.
