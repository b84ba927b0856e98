# Messages en français. Chaque clé de l'anglais doit exister ici (un test le vérifie).
# { -product } est le nom de la marque, { -cli } son programme en ligne de commande.

## Dates et durées
just-now = à l'instant
ago-minutes = { $n ->
    [one] il y a { $n } minute
   *[other] il y a { $n } minutes
}
ago-hours = { $n ->
    [one] il y a { $n } heure
   *[other] il y a { $n } heures
}
ago-days = { $n ->
    [one] il y a { $n } jour
   *[other] il y a { $n } jours
}
ago-months = il y a { $n } mois
ago-years = { $n ->
    [one] il y a { $n } an
   *[other] il y a { $n } ans
}
period-weeks = { $n ->
    [one] { $n } semaine
   *[other] { $n } semaines
}
period-days = { $n ->
    [one] { $n } jour
   *[other] { $n } jours
}
period-hours = { $n ->
    [one] { $n } heure
   *[other] { $n } heures
}
period-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
period-seconds = { $n ->
    [one] { $n } seconde
   *[other] { $n } secondes
}
upcoming-today = aujourd'hui { $time }
upcoming-tomorrow = demain { $time }
weekday-1 = lun.
weekday-2 = mar.
weekday-3 = mer.
weekday-4 = jeu.
weekday-5 = ven.
weekday-6 = sam.
weekday-7 = dim.

## Zone de notification
tray-no-backup-yet = Aucune sauvegarde pour l'instant
tray-back-up-now = Sauvegarder maintenant
tray-all-repositories = Tous les dépôts
tray-pause-hour = Suspendre les sauvegardes pendant 1 heure
tray-pause-tomorrow = Suspendre les sauvegardes jusqu'à demain
tray-resume = Reprendre les sauvegardes
tray-open = Ouvrir { -product }
tray-quit = Quitter

## Notifications
notice-too-old = { $repo } : la dernière sauvegarde est trop ancienne
notice-too-old-body = La dernière sauvegarde date de { $ago }. Ouvrez { -product } et sauvegardez maintenant.
notice-settings-unavailable = Les réglages ne peuvent pas être affichés
notice-scheduler-refused = Le planificateur a refusé
notice-file-cannot-open = Le fichier ne peut pas être ouvert

## Accueil
welcome-title = Bienvenue dans { -product }
welcome-no-config = Aucune configuration pour l'instant. Commencez avec celle par défaut :
welcome-back-up = • sauvegarder { $paths }
welcome-into = • dans un dépôt chiffré, { $repository } (aucun serveur nécessaire)
welcome-password = • avec un mot de passe robuste créé pour vous et gardé à côté de la configuration ({ $config })
welcome-keep-password = Gardez une copie de ce mot de passe en lieu sûr : sans lui, personne ne peut lire les sauvegardes, pas même vous.
welcome-or-choose = Ou choisissez vous-même : un autre dossier, un disque externe, un serveur ou un stockage en ligne, une planification.
welcome-quit = Quitter
welcome-open-repository = Ouvrir un dépôt…
welcome-step-by-step = Configurer pas à pas…
welcome-defaults = Configurer avec ces réglages

## Assistant de configuration
wizard-step-what = Que sauvegarder
wizard-step-where = Où vont les sauvegardes
wizard-step-password = Le mot de passe
wizard-step-when = Quand sauvegarder
wizard-step-ready = Prêt
wizard-keep-days = Toutes les sauvegardes des { $days } derniers jours
wizard-keep-gfs = Une par jour pendant une semaine, par semaine pendant un mois, par mois pendant un an, puis une par an
wizard-keep-all = Garder toutes les sauvegardes
wizard-need-folder = Choisissez au moins un dossier à sauvegarder.
wizard-test-first = Testez d'abord la connexion.
wizard-testing-connection = Test de la connexion…
wizard-type-existing-password = Saisissez le mot de passe du dépôt existant.
wizard-password-wrong = Ce mot de passe n'ouvre pas le dépôt.
wizard-checking-password = Vérification du mot de passe…
wizard-check-password-first = Vérifiez d'abord le mot de passe.
wizard-password-short = Utilisez au moins 8 caractères (une longue phrase est idéale).
wizard-password-weak = Ce mot de passe est trop facile à deviner : allongez-le, ou laissez-en créer un.
wizard-passwords-differ = Les deux mots de passe diffèrent.
wizard-confirm-kept = Confirmez que vous avez gardé le mot de passe en lieu sûr.
wizard-hours-range = Toutes les combien d'heures ? Un nombre de 1 à 168.
wizard-name-chars = Nommez le dépôt avec des lettres, des chiffres, - et _.
wizard-time-problem = L'heure : { $problem }
wizard-name-taken = Il existe déjà un dépôt nommé { $name }.
wizard-heading-add = Ajouter un dépôt — { $step }
wizard-heading-welcome = Bienvenue dans { -product } — { $step }
wizard-working = En cours…
wizard-connect = Connecter
wizard-create = Créer le dépôt
wizard-next = Suivant
wizard-cancel = Annuler
wizard-back = Retour
wizard-choose-folders = Choisissez les dossiers à sauvegarder :
wizard-remove = Retirer
wizard-another-folder = Un autre dossier (son chemin complet)
wizard-add = Ajouter
wizard-leave-out = Laisser de côté :
wizard-where-question = Où mettre les sauvegardes ?
wizard-test-connection = Tester la connexion
wizard-testing = Test en cours…
wizard-existing-type-password = Un dépôt existe déjà à cet endroit : saisissez son mot de passe.
wizard-password-of-repository = Mot de passe du dépôt
wizard-check-password = Vérifier le mot de passe
wizard-password-opens = Le mot de passe ouvre le dépôt.
wizard-encrypted = Les sauvegardes sont chiffrées avec un mot de passe. Personne ne peut les lire sans lui.
wizard-generate = Créer un mot de passe robuste pour moi
wizard-copy = Copier
wizard-type-own = Je saisis le mien
wizard-password = Mot de passe
wizard-password-again = Le même mot de passe, à nouveau
wizard-lose-password = Si vous perdez ce mot de passe, vos sauvegardes sont perdues : personne ne peut le retrouver, pas même nous.
wizard-keep-elsewhere = Gardez-le ailleurs que sur cet ordinateur : imprimez la fiche de récupération, ou enregistrez-le dans un gestionnaire de mots de passe.
wizard-save-sheet = Enregistrer la fiche de récupération…
wizard-kept = J'ai gardé le mot de passe en lieu sûr
wizard-every-day-at = Chaque jour à
wizard-every = Toutes les
wizard-hours = heures
wizard-by-itself = Sauvegarder automatiquement :
wizard-only-manual = Seulement quand je clique sur Sauvegarder maintenant
wizard-skip-recent = Sauter une sauvegarde planifiée quand une récente existe (faite à la main, par exemple)
wizard-which-keep = Quelles sauvegardes garder :
wizard-repo-name = Nom du dépôt
wizard-first-backup = Faire la première sauvegarde maintenant
wizard-ssh-keys = Le serveur est joint avec vos clés SSH (ssh-agent ou ~/.ssh) : aucun mot de passe n'est enregistré.
wizard-counting = Décompte du contenu des dossiers…
wizard-estimate = { $files ->
    [one] Environ { $files } fichier, { $size } à sauvegarder (la première sauvegarde lit tout ; les suivantes seulement ce qui a changé).
   *[other] Environ { $files } fichiers, { $size } à sauvegarder (la première sauvegarde lit tout ; les suivantes seulement ce qui a changé).
}
wizard-fixed-destination = Vers { $location }, comme { $company } l'a prévu pour cet ordinateur.
wizard-test-existing = Connecté : un dépôt existe déjà à { $location }. Il sera utilisé (vous donnez son mot de passe ensuite).
wizard-test-missing-folder = Le dossier { $location } n'existe pas encore : il sera créé avec le dépôt.
wizard-test-empty = Connecté : { $location } est vide, un nouveau dépôt y sera créé.
wizard-test-failed = Échec : { $problem }
wizard-strength-0 = très faible
wizard-strength-1 = faible
wizard-strength-2 = moyen
wizard-strength-3 = robuste
wizard-strength-4 = très robuste
wizard-strength = Robustesse : { $level }
wizard-keyring-checking = Vérification que le trousseau du système peut le garder…
wizard-kept-keyring = Il sera gardé dans le trousseau de cet ordinateur, pour que les sauvegardes se fassent sans le demander.
wizard-kept-file = Il sera gardé dans un fichier lisible par vous seul, à côté de la configuration : { $why }. Pour le garder plutôt dans le trousseau, déverrouillez ou lancez le trousseau, puis relancez cette configuration.
wizard-sheet-saved = Enregistrée dans { $path } — imprimez-la, puis gardez-la en lieu sûr.
wizard-schedule-note = Les sauvegardes planifiées se font tant que cette application est ouverte ; pour qu'elles se fassent aussi fenêtre fermée, activez « Continuer à sauvegarder quand cette fenêtre est fermée » sur l'écran principal (ou lancez `{ -cli } service install --user`). Une sauvegarde manquée se fait au retour de l'ordinateur.
wizard-summary-back-up = Sauvegarder : { $paths }
wizard-summary-leave-out = Laisser de côté : { $what }
wizard-summary-nothing = rien
wizard-summary-into-existing = Dans : { $location } (le dépôt existant)
wizard-summary-into-new = Dans : { $location } (un nouveau dépôt chiffré)
wizard-summary-password-keyring = Mot de passe : gardé dans le trousseau de cet ordinateur
wizard-summary-password-file = Mot de passe : gardé dans un fichier lisible par vous seul
wizard-summary-when = Quand : { $when }
wizard-summary-manual = quand vous cliquez sur Sauvegarder maintenant
wizard-summary-keep = Garder : { $what }

## Destinations
dest-local = Un dossier ou un disque externe
dest-sftp = Un serveur SSH (SFTP)
dest-rest = Un serveur REST (rest-server, rustic_server)
dest-s3 = Un stockage compatible S3 (AWS, MinIO, Wasabi…)
dest-b2 = Backblaze B2
dest-azure = Azure Blob Storage
dest-rclone = Un distant rclone
dest-uri = Un autre emplacement (écrit comme une URI)
field-folder = Dossier
field-user = Utilisateur
field-server = Serveur
field-port-optional = Port (facultatif)
field-folder-on-the-server = Dossier sur le serveur
field-address = Adresse
field-user-optional = Utilisateur (facultatif)
field-its-password-optional = Son mot de passe (facultatif)
field-endpoint = Point d'accès
field-bucket = Compartiment (bucket)
field-folder-in-the-bucket-optional = Dossier dans le compartiment (facultatif)
field-region-optional = Région (facultative)
field-access-key-id = Identifiant de clé d'accès
field-secret-access-key = Clé d'accès secrète
field-bucket-id = Identifiant du compartiment
field-application-key-id = Identifiant de clé d'application
field-application-key = Clé d'application
field-storage-account = Compte de stockage
field-container = Conteneur
field-account-key = Clé du compte
field-folder-in-the-container-optional = Dossier dans le conteneur (facultatif)
field-remote-and-folder = Distant et dossier
field-location = Emplacement
setup-needed = { $field } : à remplir
setup-whole-path = Dossier : donnez le chemin complet, qui commence par /
setup-address-scheme = Adresse : commencez-la par https:// (ou http://)
setup-password-needs-user = Utilisateur : un mot de passe va avec son utilisateur
setup-endpoint-scheme = Point d'accès : commencez-le par https:// (ou http://)
setup-port = Port : `{ $port }` n'est pas un numéro de port
setup-rclone-form = Distant et dossier : écrivez-le comme rclone, DISTANT:dossier
exclude-caches = Caches (caches des navigateurs et des applications, node_modules, __pycache__)
exclude-temporary = Fichiers temporaires (*.tmp, *.swp, téléchargements partiels)
exclude-system = Fichiers système (Thumbs.db, .DS_Store, corbeilles)

## Fenêtre principale
action-backup = Sauvegarde
doing-backup = Sauvegarde en cours
action-forget = Oubli
doing-forget = Oubli d'instantanés
action-check = Vérification
doing-check = Vérification du dépôt
action-housekeeping = Entretien
doing-housekeeping = Entretien
action-prune = Élagage
doing-prune = Élagage
action-unlock = Suppression des verrous
doing-unlock = Suppression des verrous périmés
action-init = Création du dépôt
doing-init = Création du dépôt
action-test-email = E-mail de test
doing-test-email = Envoi d'un e-mail de test
action-restore = Restauration
doing-restore = Restauration
action-unlock-button = Supprimer les verrous périmés
action-test-email-button = Envoyer un e-mail de test
about-check = Lit la structure du dépôt et signale les dégâts. Sans risque, à tout moment.
about-housekeeping = Vérifie, puis oublie les instantanés selon la politique de conservation, puis élague.
about-prune = Libère la place des données qu'aucun instantané n'utilise plus.
about-unlock = Supprime les verrous laissés par des tâches qui ne tournent plus (après un plantage).
about-test-email = Envoie un courriel aux destinataires des réglages de supervision de ce dépôt.
operations = Opérations
operations-on = Sur le dépôt { $repo }. Le résultat s'affiche dans la fenêtre à la fin de l'opération.
no-repository = Aucun dépôt n'est configuré.
repository = Dépôt
refresh = Actualiser
operations-button = Opérations
settings-cannot-read = { $path } ne peut pas être lu : { $cause }
settings-button = Réglages
add-repository = Ajouter un dépôt…
about = À propos
back-up-now = Sauvegarder maintenant
create-repository = Créer le dépôt
keep-them = Les garder
forget = Oublier
copy-to-clipboard = Copier dans le presse-papiers
config-unreadable = La configuration n'a pas pu être lue
config-correct = Corrigez ce qui est listé ci-dessous dans le fichier, puis rechargez.
reload = Recharger
show-log = Voir le journal
close = Fermer
forget-selected = Oublier la sélection
forget-selected-n = Oublier la sélection ({ $n })
browse-this = Parcourir cet instantané
browse-and-restore = Parcourir et restaurer
repository-allows = Ce dépôt permet : { $what }
reading-snapshots = Lecture de la liste des instantanés…
snapshot-count = { $n ->
    [one] { $n } instantané
   *[other] { $n } instantanés
}
no-snapshots = Aucun instantané pour l'instant.
last-backup = Dernière sauvegarde : { $time } ({ $ago })
no-backup-yet = Aucune sauvegarde de cet ordinateur pour l'instant.
this-computer = cet ordinateur
checking-repository = Vérification du dépôt…
backed-up = Sauvegardé { $ago }
last-backup-of = Dernière sauvegarde de { $host } : { $time }
too-old-after = {" "}· au-delà de { $limit }, une sauvegarde est trop ancienne
too-old = La dernière sauvegarde est trop ancienne : { $ago }
too-old-detail = Dernière sauvegarde de { $host } : { $time } ; une sauvegarde devrait avoir moins de { $limit }.
back-up-to-be-safe = Sauvegardez maintenant pour être de nouveau à l'abri.
never-backed-up = Jamais sauvegardé
never-backed-up-detail = Ce dépôt n'a encore aucune sauvegarde de { $host }. Sauvegardez maintenant pour faire la première.
doing-ellipsis = { $doing }…
forget-question = { $n ->
    [one] Oublier { $n } instantané de { $repo } ?
   *[other] Oublier { $n } instantanés de { $repo } ?
}
forget-explained = { $n ->
    [one] Cet instantané sera retiré de la liste ; ses fichiers ne pourront plus en être restaurés. La place qu'il est seul à utiliser sera libérée au prochain élagage.
   *[other] Ces instantanés seront retirés de la liste ; leurs fichiers ne pourront plus en être restaurés. La place qu'ils sont seuls à utiliser sera libérée au prochain élagage.
}
job-finished = { $action ->
    [forget] { $noun } terminé
    [housekeeping] { $noun } terminé
    [prune] { $noun } terminé
    [test-email] { $noun } terminé
   *[other] { $noun } terminée
}
job-warned = { $action ->
    [forget] { $noun } terminé avec des avertissements
    [housekeeping] { $noun } terminé avec des avertissements
    [prune] { $noun } terminé avec des avertissements
    [test-email] { $noun } terminé avec des avertissements
   *[other] { $noun } terminée avec des avertissements
}
job-cancelled = { $action ->
    [forget] { $noun } annulé
    [housekeeping] { $noun } annulé
    [prune] { $noun } annulé
    [test-email] { $noun } annulé
   *[other] { $noun } annulée
}
job-failed = { $action ->
    [forget] Échec : { $noun }
    [housekeeping] Échec : { $noun }
    [prune] Échec : { $noun }
    [test-email] Échec : { $noun }
   *[other] Échec : { $noun }e
}
job-failed-because = Échec : { $noun } — { $why }
job-cancelled-detail = Rien n'est perdu : la prochaine exécution reprend là où celle-ci s'est arrêtée.
time-left = environ { $left } restant
doing-starting = { $doing } : démarrage
cancelling = Annulation…
cancel = Annuler

## Résultats, problèmes, visionneuse
summary-backup = fichiers : nouveaux { $new }, modifiés { $changed }, inchangés { $unchanged } · ajoutés { $added } ({ $stored } stockés) · lus { $processed } en { $duration }
summary-forget = { $removed ->
    [one] { $removed } retiré
   *[other] { $removed } retirés
}, { $kept ->
    [one] { $kept } gardé
   *[other] { $kept } gardés
}
summary-prune = { $freed } libérés ; { $unused } encore inutilisés
summary-check = Aucune erreur trouvée.
summary-housekeeping = Aucune erreur · { $removed ->
    [one] { $removed } instantané oublié
   *[other] { $removed } instantanés oubliés
} · { $freed } libérés
summary-unlock = { $n ->
    [0] Il n'y avait aucun verrou périmé.
    [one] { $n } verrou périmé supprimé.
   *[other] { $n } verrous périmés supprimés.
}
summary-init = Le dépôt est prêt pour sa première sauvegarde.
summary-restore = { $files ->
    [one] { $files } fichier ({ $size }) restauré
   *[other] { $files } fichiers ({ $size }) restaurés
} dans { $target } · { $unchanged } déjà à jour
summary-conflicts = { $n ->
    [one] { $n } élément existant laissé tel quel
   *[other] { $n } éléments existants laissés tels quels
}, par exemple { $example }
summary-not-restored = Non restauré : { $path } : { $reason }
summary-sent = Envoyé à { $to }.
no-job-yet = Aucune tâche n'a encore tourné
made-by = Fait par { $company }. Assistance : { $support }
problem-wrong-password = Le dépôt n'a pas accepté le mot de passe
problem-unreachable = Le dépôt est injoignable
problem-not-initialised = Il n'y a pas encore de dépôt à cet emplacement
problem-locked = Une autre tâche travaille sur le dépôt
problem-config = La configuration demande votre attention
problem-other = Le dépôt n'a pas pu être lu
advice-wrong-password = Vérifiez le mot de passe (ou le fichier ou la commande qui le donne) réglé pour ce dépôt.
advice-unreachable = Vérifiez la connexion réseau et que le serveur ou le disque est disponible, puis actualisez.
advice-not-initialised = Créez-le (ici, ou avec { -cli } init), ou corrigez son emplacement dans les réglages.
advice-locked = Attendez la fin de l'autre tâche ; si aucune ne tourne, supprimez le verrou périmé depuis Opérations.
advice-config = Corrigez le réglage nommé ci-dessous, puis actualisez.
advice-other = Voyez le détail ci-dessous et le journal de la dernière tâche.
viewer-title = Ouvrir un dépôt
viewer-intro = En lecture seule : lister les instantanés, les parcourir et restaurer des fichiers. Rien n'est écrit dans le dépôt, et aucune configuration n'est enregistrée.
viewer-password-placeholder = Le mot de passe du dépôt
viewer-opening = Ouverture…
viewer-open = Ouvrir
viewer-no-repository = Il n'y a pas de dépôt à { $location }.
viewer-wrong-password = Ce mot de passe n'ouvre pas le dépôt à { $location }.

## Navigateur
browser-choose-folder = Choisissez le dossier où restaurer.
browser-first-snapshot = C'est le premier instantané : il n'y a rien avant lui à comparer.
browser-listing-failed = le contenu du dossier n'a pas pu être lu
browser-too-many = Seuls les { $max } premiers résultats sont affichés : cherchez quelque chose de plus précis.
browser-history-failed = l'historique n'a pas pu être lu
browser-compare-failed = la comparaison n'a pas pu être lue
browser-session-ended = La session de navigation est terminée.
browser-tab-files = Fichiers
browser-tab-search = Recherche
browser-tab-history = Historique
browser-tab-compare = Comparer
browser-back = ← Retour
browser-title = Parcourir { $repo }
browser-snapshot = Instantané
browser-find-placeholder = Chercher des fichiers par nom (par exemple rapport, *.pdf)
browser-everywhere = Dans tous les instantanés
browser-find = Chercher
browser-restore-all = Restaurer tout l'instantané…
browser-restore-n = { $n ->
    [one] Restaurer { $n } élément…
   *[other] Restaurer { $n } éléments…
}
browser-tick = Cochez des fichiers et des dossiers pour les restaurer.
browser-open = Ouvrir
job-waiting-for-keyring = en attente du trousseau…
job-waiting-for-password-command = en attente de la commande du mot de passe…
job-not-started-cancelled = annulé avant de commencer
browser-open-in-file-manager = Ouvrir dans le gestionnaire de fichiers
browser-opening-in-file-manager = Ouverture…
browser-cannot-open-in-file-manager = Impossible de l'afficher dans le gestionnaire de fichiers : { $reason }
browser-show-history = Voir l'historique
browser-empty = Cet instantané est vide.
browser-opening = Ouverture de l'instantané…
browser-searching = Recherche…
browser-searching-n = { $n ->
    [one] Recherche… { $n } chemin pour l'instant
   *[other] Recherche… { $n } chemins pour l'instant
}
browser-nothing-like = Rien qui s'appelle comme « { $query } ».
browser-type-a-name = Saisissez un nom ci-dessus et appuyez sur Entrée ou Chercher.
browser-found = { $paths ->
    [one] { $paths } chemin trouvé
   *[other] { $paths } chemins trouvés
}, { $versions ->
    [one] { $versions } version
   *[other] { $versions } versions
}
browser-unchanged = {" "}(inchangé)
browser-restore = Restaurer
browser-pick-for-history = Choisissez un fichier ou un dossier dans Fichiers, puis « Voir l'historique ».
browser-history-of = Historique de { $path }
browser-reading-all = Lecture de tous les instantanés…
browser-history-summary = Dans { $snapshots ->
    [one] { $snapshots } instantané
   *[other] { $snapshots } instantanés
}, { $versions ->
    [one] { $versions } version différente
   *[other] { $versions } versions différentes
}
browser-changed = {" "}· modifié
browser-restore-version = Restaurer cette version
browser-changes-since = Changements depuis
browser-filter = Filtrer les chemins
browser-comparing = Comparaison…
browser-no-differences = Aucune différence.
browser-diff-counts = { $added } ajoutés, { $removed } supprimés, { $changed } modifiés
browser-whole-snapshot = tout l'instantané
browser-n-items = { $n ->
    [one] { $n } élément
   *[other] { $n } éléments
}
browser-what = Quoi : { $what }
browser-into-folder = Dans un dossier
browser-folder-placeholder = Dossier où restaurer (son chemin complet)
choose = Choisir…
browser-original = À son emplacement d'origine
browser-existing-files = Les fichiers qui existent déjà à cet endroit :
browser-overwrite-if-changed = Les remplacer s'ils ont changé (taille ou date)
browser-overwrite-never = Les garder (ne jamais écraser)
browser-overwrite-always = Les remplacer dès que le contenu diffère (les lit)
browser-reviewing = Examen de ce que ferait la restauration…
browser-review = { $files ->
    [one] { $files } fichier sera écrit
   *[other] { $files } fichiers seront écrits
} ({ $size }){ $replaced ->
    [0] {""}
   *[other] , dont { $replaced } remplaçant des fichiers existants
} ; { $unchanged } déjà à jour.
browser-review-conflicts = { $n ->
    [one] { $n } élément existant sera laissé tel quel : { $examples }
   *[other] { $n } éléments existants seront laissés tels quels : { $examples }
}
browser-review-failed = { $n ->
    [one] { $n } élément ne peut pas y être restauré.
   *[other] { $n } éléments ne peuvent pas y être restaurés.
}
browser-restore-now = Restaurer maintenant
browser-review-button = Examiner
browser-show = Afficher
browser-reading = {" "}(lecture…)
browser-unreadable = {" "}(illisible)
browser-mark-added = + ajouté
browser-mark-removed = − supprimé
browser-mark-changed = ~ modifié
browser-mark-metadata = · métadonnées

## Réglages
setting-backup-paths = Dossiers et fichiers à sauvegarder
setting-backup-exclude = Laisser de côté (motifs)
setting-backup-iexclude = Laisser de côté, sans tenir compte de la casse (motifs)
setting-backup-exclude-file = Fichiers de motifs à laisser de côté
setting-backup-iexclude-file = Fichiers de motifs à laisser de côté, sans tenir compte de la casse
setting-backup-exclude-if-present = Laisser de côté les dossiers contenant un fichier nommé
setting-backup-exclude-caches = Laisser de côté les dossiers avec un CACHEDIR.TAG
setting-backup-one-file-system = Rester sur un seul système de fichiers
setting-backup-exclude-larger-than = Laisser de côté les fichiers plus gros que
setting-backup-source = Ce que lit une sauvegarde
setting-backup-stdin-command = Commande dont la sortie est sauvegardée
setting-backup-stdin-filename = Nom de fichier de cette sortie
setting-backup-database = Base de données (ou fichier SQLite)
setting-backup-dump-format = Format du dump PostgreSQL
setting-backup-db-host = Serveur de base de données
setting-backup-db-port = Port de la base
setting-backup-db-user = Utilisateur de la base
setting-backup-domains = Domaines (invités KVM, par nom ou motif)
setting-backup-libvirt-uri = Connexion libvirt (par défaut : celle de virsh)
setting-backup-files-from = Fichiers listant quoi sauvegarder (un chemin ou motif par ligne)
setting-backup-files-from-verbatim = Fichiers listant des chemins à sauvegarder, pris tels quels
setting-backup-files-from-raw = Fichiers listant des chemins séparés par des octets NUL
setting-backup-tags = Étiquettes
setting-backup-host = Nom d'hôte dans les instantanés
setting-backup-minimum-backup-size = En dessous, c'est une erreur
setting-group = Groupe dont il hérite
setting-uri = Emplacement
setting-fallback-uris = Emplacements de secours
setting-password = Mot de passe (dans le fichier)
setting-password-keyring = Mot de passe : entrée du trousseau
setting-password-file = Mot de passe : fichier
setting-password-command = Mot de passe : commande
setting-password-env = Mot de passe : variable d'environnement
setting-backend-options = Options du stockage
setting-permissions = Permissions
setting-schedule-backup = Sauvegarder
setting-schedule-housekeeping = Entretien
setting-schedule-check = Vérification
setting-schedule-check-read-data-subset = La vérification lit aussi
setting-schedule-skip-if-recent = Sauter quand la dernière sauvegarde a moins de
setting-schedule-on-ac-power-only = Seulement sur secteur
setting-schedule-not-on-metered-network = Pas sur une connexion limitée
setting-retention-preset = Garder (préréglage)
setting-retention-keep-last = Garder les dernières
setting-retention-keep-hourly = Garder une par heure
setting-retention-keep-daily = Garder une par jour
setting-retention-keep-weekly = Garder une par semaine
setting-retention-keep-monthly = Garder une par mois
setting-retention-keep-yearly = Garder une par an
setting-retention-keep-within = Tout garder sur
setting-retention-keep-within-hourly = Une par heure sur
setting-retention-keep-within-daily = Une par jour sur
setting-retention-keep-within-weekly = Une par semaine sur
setting-retention-keep-within-monthly = Une par mois sur
setting-retention-keep-within-yearly = Une par an sur
setting-retention-keep-tags = Toujours garder les instantanés étiquetés
setting-retention-group-by = Grouper les instantanés par
setting-backup-pre-exec-commands = Avant la sauvegarde
setting-backup-pre-exec-timeout = Durée maximale de chacune
setting-backup-pre-exec-failure-is-fatal = Un échec annule la sauvegarde
setting-backup-post-exec-commands = Après la sauvegarde
setting-backup-post-exec-timeout = Durée maximale de chacune
setting-backup-post-exec-failure-is-fatal = Un échec fait échouer la tâche
setting-backup-post-exec-run-on-failure = Aussi après une sauvegarde échouée
setting-monitoring-instance = Libellé d'instance
setting-monitoring-backup-job = Libellé de tâche de sauvegarde
setting-monitoring-labels = Autres libellés
setting-monitoring-prometheus-textfile-dir = Dossier du collecteur textfile
setting-monitoring-push-urls = Adresses des passerelles push
setting-monitoring-push-username = Utilisateur de la passerelle
setting-monitoring-push-password-env = Son mot de passe : variable d'environnement
setting-monitoring-push-password-file = Son mot de passe : fichier
setting-monitoring-push-ca-file = Certificats d'autorité pour elle
setting-monitoring-push-insecure-tls = Accepter tout certificat
setting-monitoring-timeout = Durée maximale d'un envoi ou d'un ping
setting-monitoring-healthchecks-url = Adresse Healthchecks
setting-monitoring-webhooks = Webhooks
setting-monitoring-email-smtp-server = Courriel : serveur SMTP
setting-monitoring-email-smtp-port = Courriel : port
setting-monitoring-email-security = Courriel : sécurité
setting-monitoring-email-username = Courriel : utilisateur
setting-monitoring-email-password-env = Courriel : variable du mot de passe
setting-monitoring-email-password-file = Courriel : fichier du mot de passe
setting-monitoring-email-ca-file = Courriel : certificats d'autorité
setting-monitoring-email-insecure-tls = Courriel : accepter tout certificat
setting-monitoring-email-from = Courriel : expéditeur
setting-monitoring-email-on-backup-success = Courriel quand une sauvegarde réussit, à
setting-monitoring-email-on-backup-failure = Courriel quand une sauvegarde échoue, à
setting-monitoring-email-on-operation-success = Courriel quand une opération réussit, à
setting-monitoring-email-on-operation-failure = Courriel quand une opération échoue, à
setting-monitoring-email-on-backup-too-old = Courriel quand les sauvegardes sont trop anciennes, à
setting-repo-compression = Compression (à la création)
setting-repo-minimum-backup-age = Trop ancienne après
setting-repo-cache-dir = Dossier du cache
setting-repo-no-cache = Pas de cache
setting-repo-priority = Priorité
setting-repo-job-timeout = Durée maximale d'une tâche
setting-repo-random-delay = Délai aléatoire des exécutions planifiées
setting-repo-storage-heuristics = Signaler les sauvegardes inhabituelles
setting-repo-upload-limit = Limite d'envoi (par seconde)
setting-repo-download-limit = Limite de réception (par seconde)
setting-repo-pack-size = Taille des packs
setting-identity-machine-id = Identifiant de la machine
setting-identity-machine-group = Groupe de machines
setting-identity-tenant = Client (tenant)
setting-desktop-notify-on-success = Notifier quand une sauvegarde réussit
setting-desktop-notify-when-too-old = Notifier quand les sauvegardes sont trop anciennes
setting-desktop-theme = Apparence
setting-desktop-language = Langue
tab-sources = Sources et exclusions
tab-destination = Destination
tab-schedule = Planification et conservation
tab-commands = Commandes avant/après
tab-monitoring = Supervision
tab-advanced = Avancé
settings-title = Réglages
settings-locked = Un mot de passe d'administration protège ces réglages.
settings-manager-password = Mot de passe d'administration
settings-unlock = Déverrouiller
settings-wrong-manager = Mauvais mot de passe d'administration.
settings-of = Réglages de
settings-scope-machine = Cet ordinateur
settings-scope-group = Groupe { $name }
settings-scope-repo = Dépôt { $name }
settings-choose-scope = Ces réglages appartiennent à un groupe ou à un dépôt : choisissez-en un ci-dessus.
settings-discard = Annuler les modifications
settings-save = Enregistrer
settings-reset = Revenir à l'hérité
settings-remove = Retirer
settings-not-set = non réglé
settings-set-here = réglé ici
settings-changed = modifié ici (non enregistré)
settings-added-to = réglé ici (ajouté à la liste de { $from })
settings-inherited = hérité de { $from }
settings-from-group = le groupe { $name }
settings-from-defaults = les valeurs par défaut
settings-saved = Enregistré. La version précédente est gardée dans { $path }.
settings-file-changed = Le fichier a changé sur le disque : voici ce qu'il dit maintenant.
settings-file-changed-dirty = Le fichier a changé sur le disque depuis le début de ces modifications : enregistrer remplace ce qui y a changé.
settings-secret-set = (réglé dans le fichier)
settings-none = (aucun)
settings-not-set-choice = (non réglé)

## Titre, zone de notification, planification
dialog-restore-into = Restaurer dans
dialog-back-up-folder = Sauvegarder ce dossier
dialog-keep-in = Garder les sauvegardes dans
dialog-repository-folder = Le dossier du dépôt
notice-not-allowed = { $noun } : non permis
title-viewer = { -product } — visionneuse (lecture seule)
tooltip-backed-up = sauvegardé { $ago }
tooltip-never = jamais sauvegardé
tooltip-checking = vérification…
tooltip-last = Dernière : { $repo } — { $headline } ({ $ago })
schedule-by-window = faites tant que cette fenêtre est ouverte : aucun service de planification ne tourne (activez « Continuer à sauvegarder quand cette fenêtre est fermée » pour les faire fenêtre fermée)
schedule-by-service = par le service de planification
schedule-paused-until = suspendues jusqu'à { $when }
schedule-due-now = à faire maintenant
schedule-next = prochaine { $when }
schedule-not-scheduled = non planifiées
schedule-line = Sauvegardes planifiées : { $when } · { $next } ({ $by })

## Tableau des instantanés
column-time = Date
column-id = ID
column-host = Hôte
column-tags = Étiquettes
column-files = Fichiers
column-added = Ajouté

## « Géré par mon organisation » : inscription auprès d'un serveur de flotte
welcome-managed-hint = Votre organisation gère-t-elle les sauvegardes de cet ordinateur ?
welcome-managed = Géré par mon organisation…
managed-title = Géré par mon organisation
managed-intro = Le serveur de flotte de votre organisation prépare vos sauvegardes : il envoie à cet ordinateur sa configuration et le mot de passe du dépôt, et vérifie que les sauvegardes ont lieu. Saisissez l'adresse du serveur et le jeton d'inscription que votre administrateur vous a donné.
managed-server = Adresse du serveur (https://…)
managed-token = Jeton d'inscription
managed-fallback = Second serveur (facultatif)
managed-enrol = Inscrire cet ordinateur
managed-enrolling = Inscription auprès du serveur…
managed-enrolled = Cet ordinateur est inscrit sous le nom { $machine } dans le groupe { $group }.
managed-config-later = Votre organisation n'a pas encore fourni de configuration pour ce groupe : elle arrivera au prochain contact du service de sauvegarde (npbackup-cli service install, ou `npbackup-cli fleet sync` maintenant).
managed-config-refused = La configuration envoyée par le serveur n'a pas été appliquée : { $error }. Votre administrateur en a été informé.
managed-no-state-folder = Impossible de savoir où ranger les réglages de cet ordinateur ($HOME est-il défini ?).
browser-showing = Affichage de { $path }, où sont les dossiers de cet instantané
browser-whole-tree = Afficher tout l'instantané
service-switch = Continuer à sauvegarder quand cette fenêtre est fermée
service-changing = modification…
service-off = désactivé : les sauvegardes planifiées se font tant que cette fenêtre est ouverte
service-running = activé : le service de planification les fait, fenêtre ouverte ou non
service-stopped = installé, mais arrêté ({ $state })
service-failed = Le service de planification n'a pas pu être modifié : { $why }
service-no-cli = { $program } n'est pas installé à côté de cette application : c'est lui que le service de planification lance (installez le paquet de la ligne de commande)
