"""The CP-SAT model, one module per hard rule or objective term of design §4.3.

`variables` makes each request's "placed whole" literal and each session's date and start, from the
candidate dates of `series_dates` and the start domains of `opening_hours` (rules 5 and 2). Then
`chairs` (rule 1), `nurses` (rule 3), `patient_day` (rule 4), `spacing` and `seven_day_cap` (rule 5)
constrain them. `weighted_placed`, `preferred` and `day_minutes` are the objective's three levels,
which `objective` weighs, and scores on a finished plan the same way for every solver. All times are
minutes on the horizon's timeline (`timeline`).
"""
