# Russian texts of the messages people read: errors, refusals and field errors.
# One message per id; ids are kebab-case and named by area (`class-letter-invalid`).
# Arguments are written { $name }; a number argument may choose a plural form:
#   { $n -> [one] минуту [few] минуты *[many] минут }
# crates/core/src/message/tests.rs checks that every id here is used in the Rust source and
# every id used there is here.

## academic

academic-year-not-found = Учебный год не найден
academic-year-not-set-up = Учебный год не настроен
academic-year-required = Выберите учебный год

## access

access-denied = Доступ запрещён

## account

account-disabled = Учётная запись отключена. Обратитесь к администратору школы.
account-not-found = Учётная запись не найдена

## administrator

administrator-login-invalid = Имя пользователя: буквы, цифры, точка, дефис или подчёркивание, не длиннее 64 символов
administrator-login-taken = Такое имя пользователя в этой организации уже есть
administrator-needs-school = Администратор создаётся для образовательных организаций

## announcement

announcement-audience-required = Выберите, кому адресовано объявление
announcement-body-required = Напишите текст объявления
announcement-body-too-long = Текст слишком длинный
announcement-classes-required = Выберите хотя бы один класс
announcement-expiry-past = Дата окончания показа уже прошла
announcement-not-found = Объявление не найдено
announcement-role-unknown = Неизвестная роль
announcement-title-required = Укажите заголовок
announcement-title-too-long = Заголовок длиннее { $max } знаков

## api

api-assignment-number-invalid = Неверный номер задания
api-attachment-guid-invalid = Неверный GUID вложения
api-attachment-number-invalid = Неверный номер вложения
api-body-invalid = Неверное тело запроса: { $reason }
api-body-not-json = Тело запроса не JSON
api-csrf-missing = Нет ключа формы (X-CSRF-Token) для запроса со страницы
api-date-invalid = Неверная дата { $name }
api-date-range-invalid = Неверный интервал дат: «{ $value }»
api-file-missing = Не передан файл (поле file)
api-filter-id-missing = У фильтра нет filterId
api-filter-not-chosen = Не выбран фильтр { $id }
api-filter-value-invalid = Неверное значение фильтра { $id }: «{ $value }»
api-filters-missing = Не указаны значения фильтров (selectedData)
api-folder-unknown = Неизвестная папка
api-foreign-origin = Подключение со страницы другого сайта запрещено
api-login-type-unknown = Неизвестный способ входа
api-message-number-invalid = Неверный номер письма
api-messages-missing = Не указаны письма (messageId)
api-method-not-found = Метод не найден
api-parameter-invalid = Неверный { $name }
api-parameter-missing = Не указан { $name }
api-password-change-first = Сначала смените временный пароль
api-per-page-invalid = Размер страницы (per_page) — от 1 до { $max }
api-query-invalid = Неверные параметры запроса: { $reason }
api-recipient-group-unknown = Неизвестная группа адресатов
api-recipient-unknown = Неизвестный получатель
api-recipients-not-a-list = Получатели передаются списком
api-report-unknown = Отчёт «{ $id }» не найден
api-scope-missing = У ключа нет разрешения «{ $scope }»
api-token-lifetime-invalid = Срок действия ключа — от 1 до { $max } дней
api-token-missing = Нужен ключ доступа: заголовок Authorization: Bearer …
api-token-name-required = Укажите название ключа
api-token-name-too-long = Название ключа — не длиннее { $max } символов
api-token-not-found = Ключ не найден
api-token-scope-unknown = Неизвестное разрешение «{ $scope }»
api-token-scopes-required = Выберите хотя бы одно разрешение
api-token-too-many = У вас уже { $max } ключей: отзовите ненужные, прежде чем создавать новые

## assignment

assignment-description-too-long = Описание — не длиннее 10 000 символов
assignment-due-before-lesson = Срок сдачи не раньше дня урока
assignment-due-invalid = Укажите дату в виде ГГГГ-ММ-ДД
assignment-not-found = Задание не найдено
assignment-title-required = Укажите тему задания
assignment-title-too-long = Тема задания — не длиннее 300 символов
assignment-type-abbreviation-invalid = Сокращение — от 1 до 10 символов
assignment-type-abbreviation-taken = Такое сокращение уже есть
assignment-type-name-invalid = Название — от 1 до 100 символов
assignment-type-not-found = Тип задания не найден
assignment-type-order-invalid = Порядок — целое число от 0 до 10000
assignment-type-required = Выберите тип задания

## attachment

attachment-expired = Вложение { $guid } хранилось дольше { $hours } ч без отправки и удалено; загрузите файл снова
attachment-guid-not-found = Вложение { $guid } не найдено

## audit

audit-log-area-unknown = Неизвестный раздел журнала
audit-log-date-invalid = Дата «{ $label }» указана неверно: нужен вид ДД.ММ.ГГГГ
audit-log-dates-reversed = Дата «с» должна быть не позже даты «по»
audit-log-organization-invalid = Организация указана неверно
audit-log-page-invalid = Номер страницы указан неверно

## bell

bell-end-before-start = Конец урока должен быть позже начала
bell-out-of-order = Уроки должны идти по порядку номеров
bell-overlaps = Урок пересекается с уроком №{ $other }
bell-times-invalid = Укажите начало и конец урока (ЧЧ:ММ)

## calendar

calendar-feed-not-found = Календарь не найден: ссылка неверна или отозвана

## certificate

certificate-url-invalid = Адрес сертификата указан неверно (пример: https://ca.example.ru/cert.cer)
certificate-url-not-https = Адрес сертификата должен начинаться с https://

## class

class-delete-has-history = Класс нельзя удалить: в нём были ученики ({ $students }) или есть уроки ({ $lessons })
class-delete-referenced = Класс нельзя удалить: на него ссылаются другие данные школы
class-exists = Такой класс в этом году уже есть
class-grade-invalid = Параллель — число от 1 до 11
class-letter-invalid = Буква класса — от одной до трёх русских букв
class-not-found = Класс не найден
class-not-in-list = Выберите класс из списка
class-shift-invalid = Смена — первая или вторая
class-shift-locked-by-timetable = Смену нельзя изменить, пока у класса есть расписание с { $date } или позже: сначала сохраните пустое расписание с нужной даты, затем смените смену и задайте расписание заново

## credentials

credentials-account-disabled = Учётная запись «{ $name }» отключена: сначала включите её
credentials-nobody-chosen = Выберите класс или отметьте пользователей в списке
credentials-too-many = Не больше { $max } пользователей за один раз

## curriculum

curriculum-group-exists = Такая группа в учебном плане класса уже есть
curriculum-group-has-lessons = По этой группе уже есть уроки: её нельзя удалить
curriculum-hours-invalid = Часов в неделю — число от 1 до 40
curriculum-subgroup-not-of-class = Выберите подгруппу этого класса
curriculum-subject-required = Выберите предмет
curriculum-teacher-required = Выберите хотя бы одного учителя
curriculum-teachers-not-of-school = Выберите учителей этой школы

## date

date-end-before-start = Дата окончания раньше даты начала
date-format-iso = Дата в формате ГГГГ-ММ-ДД
date-invalid = Дата записана неверно
date-required = Укажите дату

## diary

diary-span-too-long = Слишком длинный период: не более { $days } дней

## display

display-name-formula-prefix = Имя на экране не может начинаться со знаков «=», «+», «-» или «@»
display-name-required = Укажите имя, которое будет показано на экране
display-name-too-long = Имя на экране должно быть не длиннее 100 символов

## email

email-invalid = Адрес электронной почты указан неверно (пример: name@example.ru)

## esia

esia-account-choice-required = Выберите учётную запись
esia-account-not-linked = Эта учётная запись не привязана к вашей учётной записи портала госуслуг
esia-address-misconfigured = Адрес портала госуслуг настроен неверно
esia-callback-failed = Не удалось получить данные с портала госуслуг. Начните вход заново.
esia-cancelled = Вход через портал госуслуг отменён.
esia-level-refused = Вход запрещён: родители и обучающиеся с { $age } лет входят только с подтверждённой учётной записью портала госуслуг, а ваша учётная запись — { $level }. Подтвердите её в центре обслуживания или онлайн через банк и войдите снова.
esia-link-not-found = Привязка не найдена
esia-login-state-invalid = Сеанс входа через портал госуслуг не найден, устарел или уже использован. Начните вход заново.
esia-lscope-missing = Вход запрещён: не выбран пользователь (lscope)
esia-not-configured = Вход через портал госуслуг на этом портале не настроен
esia-password-sign-in-refused = Вход запрещён: с { $date } родители и обучающиеся с { $age } лет входят только через подтверждённую учётную запись портала госуслуг. Нажмите «Вход с учётной записью портала госуслуг»; если учётная запись ещё не подтверждена, подтвердите её в центре обслуживания или онлайн через банк.
esia-provider-error = Портал госуслуг вернул ошибку ({ $error }). Попробуйте ещё раз.
esia-provider-unsupported = Вход через этого поставщика не поддерживается
esia-trust-confirmed = подтверждённая
esia-trust-simplified = упрощённая
esia-trust-standard = стандартная
esia-unavailable = Портал госуслуг сейчас недоступен. Попробуйте войти позже.

## field

field-required = Заполните поле
field-too-long = Не длиннее { $max } знаков

## file

file-empty = Файл пустой
file-migrate-needs-postgres = Файлы переносятся только в базу PostgreSQL: с SQLite они и так хранятся в каталоге данных. Укажите database_url.
file-not-found = Файл не найден
file-pending-quota = Слишком много загруженных, но не отправленных файлов: вместе не больше { $megabytes } МБ. Отправьте письмо или форму с уже загруженными файлами либо подождите: неотправленные файлы удаляются через { $hours } ч.
file-too-large = Файл больше допустимого размера ({ $megabytes } МБ)
file-type-refused = Файлы этого типа загружать нельзя. Допустимые типы: { $allowed }

## form

form-check-fields = Проверьте поля формы
form-field-missing = Не указано поле { $name }
form-fields-invalid = Неверно заполнена форма: { $detail }
form-files-not-received = Не удалось принять форму с файлами; попробуйте ещё раз.
form-has-errors = Исправьте ошибки в форме
form-malformed = Неверный формат формы
form-page-expired = Срок действия страницы истёк. Обновите её.
form-page-expired-retry = Срок действия страницы истёк. Обновите её и повторите.
form-request-too-large = Слишком большой запрос: не больше { $megabytes } МБ вместе со всеми файлами.
form-stale = Срок действия формы истёк. Обновите страницу.

## group

group-not-found = Группа не найдена

## holiday

holiday-not-found = Каникулы не найдены
holiday-outside-year = Каникулы должны быть внутри учебного года

## import

import-batch-already-applied = Этот пакет уже подтверждён: повторно его применить нельзя.
import-interrupted = Запись пакета прерывалась остановкой сервера несколько раз; ничего не записано. Загрузите файл заново.
import-batch-damaged = Пакет повреждён; загрузите файл заново.
import-batch-expired = Срок подтверждения истёк ({ $hours } ч). Загрузите файл заново.
import-batch-failed = Этот пакет не удалось применить; загрузите файл заново.
import-batch-not-found = Пакет импорта не найден
import-batch-not-saved = Не удалось сохранить пакет: { $detail }
import-columns-missing = В файле нет обязательных столбцов: { $columns }. Первая строка файла должна содержать заголовки, как в шаблоне «{ $template }».
import-file-required = Выберите файл для загрузки.
import-file-too-large = Файл слишком большой: можно загрузить не больше { $megabytes } МБ. Разделите файл на части.
import-file-unreadable = Не удалось прочитать файл как таблицу.
import-no-current-year = В школе нет текущего учебного года: сначала создайте год и классы.
import-no-rows = В файле нет строк с данными: заполните строки под заголовками.
import-sheet-unreadable = { $reason }
import-too-many-rows = В файле { $rows } строк; за один раз можно загрузить не больше { $max }. Разделите файл.

## internal

internal-error = Внутренняя ошибка
internal-store-failed = Внутренняя ошибка хранилища

## journal

journal-assignment-and-student-required = Укажите задание и ученика
journal-group-not-found = Класс/группа не найдены
journal-period-invalid = Неверный период
journal-student-invalid = Неверный ученик

## lesson

lesson-date-outside-year = Дата должна быть внутри учебного года
lesson-not-found = Урок не найден
lesson-number-not-in-bells = Выберите урок из расписания звонков
lesson-topic-too-long = Тема урока — не длиннее 500 символов

## link

link-malformed = Ссылка записана неверно
link-scheme = Ссылка должна начинаться с http:// или https://
link-too-long = Ссылка слишком длинная (не больше 2000 знаков)

## mail

mail-action-unknown = Неизвестное действие
mail-attachment-not-found = Вложение не найдено
mail-body-too-long = Текст письма слишком длинный
mail-draft-not-found = Черновик не найден
mail-file-not-found = Файл не найден или уже прикреплён
mail-message-not-found = Письмо не найдено
mail-recipient-required = Укажите получателя
mail-recipient-unavailable = Получатель { $id } недоступен: писать можно только адресатам из вашего справочника
mail-subject-required = Укажите тему письма
mail-subject-too-long = Тема длиннее { $max } символов
mail-too-many-recipients = Слишком много получателей

## mark

mark-attendance-code-unknown = Неизвестный код посещаемости «{ $code }»
mark-final-is-duty = Итоговая отметка не может быть долгом
mark-is-attendance = Пропуск отмечается в посещаемости урока, а не в отметке
mark-value-invalid = Введите отметку 1–5, ЗЧ, НЗ или «.» (долг)
mark-value-out-of-range = Отметка — число от 1 до 5

## municipality

municipality-exists = Муниципальное образование с таким названием уже есть
municipality-not-found = Муниципальное образование не найдено

## name

name-formula-prefix = Не может начинаться со знаков «=», «+», «-» или «@»
name-formula-prefix-after-column = не может начинаться со знаков «=», «+», «-» или «@»

## organization

organization-authority-not-in-list = Выберите орган управления образованием из списка
organization-close-own = Нельзя закрыть организацию, в которой работаете вы сами
organization-date-format = Дата должна быть в формате ДД.ММ.ГГГГ
organization-email-invalid = Адрес электронной почты должен быть вида name@example.ru
organization-founding-date-future = Дата основания не может быть в будущем
organization-founding-year-check = Проверьте год основания
organization-inn-invalid = ИНН состоит из 10 цифр (для индивидуального предпринимателя — из 12)
organization-kind-required = Выберите тип организации
organization-name-taken = В этом населённом пункте уже есть организация с таким кратким названием
organization-not-found = Организация не найдена
organization-ogrn-invalid = ОГРН состоит из 13 цифр (ОГРНИП — из 15)
organization-own-authority = Организация не может подчиняться самой себе
organization-settlement-not-in-list = Выберите населённый пункт из списка
organization-settlement-required = Выберите населённый пункт

## passkey

passkey-already-registered = Это устройство уже зарегистрировано.
passkey-challenge-expired = Время ожидания истекло или запрос уже использован. Повторите попытку.
passkey-name-too-long = Название устройства — не длиннее { $max } символов
passkey-not-configured = Вход с Мобильным ID не настроен: администратор портала должен указать его адрес (public_url) с доменным именем.
passkey-not-found = Устройство не найдено
passkey-registration-unconfirmed = Устройство не подтвердило регистрацию. Повторите попытку.
passkey-response-unreadable = Ответ устройства не распознан. Повторите попытку.
passkey-sign-in-unconfirmed = Устройство не подтвердило вход. Повторите попытку.
passkey-unknown = Этот Мобильный ID не зарегистрирован на портале или был удалён. Войдите по имени пользователя и паролю и добавьте устройство в персональных настройках.

## password

password-characters-invalid = Пароль содержит недопустимые символы
password-characters-unsupported = Пароль может содержать только русские и латинские буквы, цифры и обычные знаки препинания: другие символы не набрать в мобильных приложениях
password-common = Этот пароль слишком распространён, его легко подобрать: придумайте другой
password-contains-login = Пароль не должен содержать имя пользователя
password-contains-name = Пароль не должен содержать вашу фамилию или имя
password-current-required = Введите текущий пароль
password-current-wrong = Текущий пароль указан неверно
password-equals-login = Пароль не должен совпадать с именем пользователя
password-repeat-mismatch = Пароли не совпадают
password-same-as-current = Новый пароль должен отличаться от текущего
password-same-as-temporary = Новый пароль должен отличаться от временного
password-temporary-required = Введите временный пароль
password-temporary-wrong = Временный пароль указан неверно
password-too-short = Пароль должен содержать не менее { $min } символов

## people

people-birth-date-future = Дата рождения не может быть в будущем
people-birth-year-check = Проверьте год рождения
people-cannot-deactivate-self = Нельзя отключить собственную учётную запись
people-cannot-drop-own-administration = Нельзя снять с себя роль администрации
people-children-not-in-list = Выберите детей из списка учеников школы
people-children-only-for-parent = Детей указывают только для родителя
people-class-date-before-year = Дата не раньше начала учебного года класса ({ $date })
people-class-date-future = Дата не может быть позже сегодняшнего дня
people-class-date-only-for-student = Дата указывается только для ученика
people-class-only-for-student = Класс указывается только для ученика
people-date-format = Дата в формате ДД.ММ.ГГГГ
people-gender-not-in-list = Выберите пол из списка
people-link-choice-required = Выберите, кого связать
people-link-parent-and-student = Связь устанавливается между родителем и учеником
people-login-has-spaces = Имя пользователя пишется без пробелов
people-login-required = Укажите имя пользователя
people-login-suggestion-failed = Не удалось подобрать имя пользователя: укажите его сами
people-login-taken = Это имя пользователя уже занято в школе
people-not-in-class = Ученик и так не числится в классе
people-role-not-assigned-by-school = Такую роль школа не назначает
people-student-class-required = Для ученика выберите класс
people-transfer-date-required = Укажите дату перевода
people-transfer-date-too-early = Дата должна быть позже { $date } — начала последнего пребывания в классе
people-transfer-same-class = Ученик уже учится в этом классе
people-transfer-student-only = Переводить можно только ученика

## period

period-not-found = Период не найден
period-outside-year = Период должен быть внутри учебного года
period-overlaps-previous = Период пересекается с предыдущим или идёт раньше него

## periods

periods-count-wrong = Нужно { $count } периода(ов)
periods-grades-invalid = Укажите параллели числами от 1 до 11
periods-grades-out-of-range = Параллели — числа от 1 до 11
periods-grades-reversed = Первая параллель не может быть больше последней
periods-grades-taken = Для { $from }–{ $to } классов в этом году уже заданы периоды
periods-grades-unreadable = Неверные параллели
periods-kind-choice-required = Выберите вид периодов: четверти, триместры или полугодия
periods-kind-required = Выберите вид периодов
periods-scheme-unknown = Такой схемы периодов нет

## person

person-first-name-required = Укажите имя
person-last-name-required = Укажите фамилию

## phone

phone-characters-invalid = Номер телефона может содержать только цифры, «+», пробелы, скобки и дефисы
phone-digit-count = В номере телефона должно быть от 5 до 15 цифр
phone-plus-not-first = Знак «+» может стоять только в начале номера

## progress

progress-too-many-assignments = Слишком много заданий в запросе

## query

query-parameter-invalid = Неверный параметр { $name }

## rate

rate-limited = { $what }. Повторите попытку через { $seconds } { $seconds ->
        [one] секунду
        [few] секунды
       *[many] секунд
    }.
rate-api-calls = Слишком много запросов с этим ключом доступа
rate-mail = Слишком много отправленных сообщений
rate-sign-ins = Слишком много входов в систему
rate-uploads = Слишком много загруженных файлов

## recovery

recovery-form-expired = Срок действия формы истёк. Введите пароль ещё раз.
recovery-link-invalid = Ссылка для смены пароля недействительна: она уже использована или устарела. Запросите новую ссылку.

## region

region-not-found = Регион не найден

## report

report-build-failed = Не удалось построить отчёт. Попробуйте заказать его позже.
report-class-and-period-required = Выберите класс и период
report-class-period-required = Выберите период учебного года класса
report-date-format = Укажите дату в формате ГГГГ-ММ-ДД
report-document-failed = Не удалось сформировать документ
report-failed = Не удалось построить отчёт
report-format-unknown = Неизвестный формат: выберите HTML, XLSX или PDF
report-interrupted = Построение отчёта прерывалось остановкой сервера несколько раз. Закажите отчёт снова.
report-kind-required = Выберите отчёт из списка
report-not-found-or-expired = Отчёт не найден или срок его хранения истёк
report-not-saved = Отчёт не сохранён: { $detail }
report-parameters-invalid = Неверные параметры отчёта: { $detail }
report-period-longer-than-year = Период отчёта длиннее учебного года
report-period-results-unavailable = Отчёт доступен администрации школы и органам управления образованием
report-period-reversed = Начало периода позже его конца
report-queue-full = У вас уже { $count } отчётов в очереди. Дождитесь, пока они будут готовы.
report-school-not-on-territory = Школа не найдена на вашей территории
report-school-required = Выберите школу из списка
report-still-building = Отчёт ещё строится
report-still-building-late = Отчёт строится дольше обычного; получите его позже
report-student-class-required = Выберите класс ученика
report-student-not-in-class = Ученик не учился в выбранном классе
report-student-not-taking-subject = Ученик не изучает этот предмет
report-student-period-required = Выберите период учебного года ученика
report-student-required = Выберите ученика
report-subject-required = Выберите предмет

## request

request-invalid = Неверный запрос

## resource

resource-description-too-long = Описание слишком длинное
resource-link-or-files-required = Добавьте ссылку или файлы
resource-not-found = Ресурс не найден
resource-target-not-yours = Можно публиковать только для своих групп и классов
resource-target-required = Выберите группу или класс
resource-title-required = Укажите название
resource-title-too-long = Название длиннее 200 знаков

## roles

roles-required = Выберите хотя бы одну роль

## search

search-text-too-long = Слишком длинная строка поиска

## session

session-ended = Сеанс завершён. Войдите снова.
session-not-found = Сеанс не найден или уже завершён

## settings

settings-channel-required = Выберите способ получения сообщений
settings-email-required-for-channel = Укажите адрес электронной почты, чтобы получать сообщения по ней
settings-names-are-the-schools = Фамилию, имя и отчество меняет школа

## settlement

settlement-exists = В этом муниципальном образовании уже есть такой населённый пункт
settlement-not-found = Населённый пункт не найден

## sign

sign-in-address-locked-out = Слишком много неудачных попыток входа с вашего адреса. Следующая попытка может быть совершена не ранее чем { $wait }
sign-in-credentials-invalid = Неправильный пароль или имя пользователя
sign-in-failed = Ошибка входа в систему. Повторите попытку.
sign-in-legacy-disabled = Вход по паролю через сторонние приложения отключён администратором портала
sign-in-locked-out = Вы совершили { $failures } { $failures ->
        [one] неудачную попытку
        [few] неудачные попытки
       *[many] неудачных попыток
    } входа. Следующая попытка может быть совершена не ранее чем { $wait }
sign-in-temporary-password-change-required = Необходимо сменить временный пароль: войдите через сайт

## snils

snils-checksum = Неверная контрольная сумма СНИЛС — проверьте цифры
snils-format = СНИЛС состоит из 11 цифр: 123-456-789 01

## student

student-not-found = Ученик не найден
student-not-in-group = Ученик не относится к этой группе

## subgroup

subgroup-exists = Такая подгруппа в классе уже есть
subgroup-in-use = Подгруппа используется в группах учебного плана: { $groups }. Сначала удалите эти группы
subgroup-not-found = Подгруппа не найдена
subgroup-students-not-of-class = Можно выбрать только учеников этого класса

## subject

subject-exists = Такой предмет в школе уже есть
subject-in-use = Предмет используется в группах учебного плана: { $groups }. Сначала удалите эти группы
subject-not-found = Предмет не найден

## teacher

teacher-not-of-school = Выберите учителя этой школы

## territory

territory-field-characters-invalid = Недопустимые символы
territory-field-required = Заполните это поле
territory-field-too-long = Не длиннее { $max } символов

## timetable

timetable-bells-missing = Сначала задайте звонки { $shift } смены
timetable-date-outside-year = Дата должна быть внутри учебного года ({ $start } — { $end })
timetable-group-not-of-class = Выберите группу этого класса
timetable-lesson-not-in-bells = Такого урока нет в расписании звонков
timetable-periods-missing = Сначала задайте учебные периоды для { $grade } классов

## upload

upload-not-found-or-expired = Файл не найден, уже прикреплён или хранился дольше { $hours } ч без отправки; загрузите его снова

## user

user-not-found = Пользователь не найден

## wait

wait-hours = { $hours ->
        [1] через час
       *[other] через { $hours } { $hours ->
            [one] час
            [few] часа
           *[many] часов
        }
    }
wait-minutes = { $minutes ->
        [1] через минуту
       *[other] через { $minutes } { $minutes ->
            [one] минуту
            [few] минуты
           *[many] минут
        }
    }

## weight

weight-invalid = Вес — целое число от 1 до 100

## year

year-dates-leave-out = Вне новых дат окажутся { $things }. Сначала измените или удалите их
year-end-before-start = Конец года должен быть позже начала
year-outside-count = { $what }: { $count }
year-outside-holidays = каникул
year-outside-lessons = уроков
year-outside-periods = учебных периодов
year-outside-timetable-entries = строк расписания
year-overlaps = Пересекается с учебным годом { $name }
year-too-long = Учебный год не может быть длиннее 13 месяцев
